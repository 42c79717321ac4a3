import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../algorithms/expr.ts';
import { wasmApi } from './normals.ts';
import { emittable, updateLayout, updateModuleBytes, UPDATE_CHUNK } from './update.ts';

describe('WebAssembly update emitter', () => {
  it('emits the arithmetic and sign, abs, sqrt, min, max, pos; refuses exp, log and rand', () => {
    for (const src of ['x - lr * sign(m)', 'min(abs(g), sqrt(x)) / max(-g, 2)', 'pos(g) * 3']) expect(emittable(parseExpr(src))).toBe(true);
    for (const src of ['exp(g)', 'x + log(abs(g))', 'sign(rand(0) - 0.5)']) expect(emittable(parseExpr(src))).toBe(false);
    expect(updateModuleBytes([['x', parseExpr('x - exp(g)')]], ['x'], new Set(['x']), [])).toBeNull();
  });

  it('writes a module that WebAssembly accepts', () => {
    const bytes = updateModuleBytes([['m', parseExpr('(1 - beta) * m + beta * g')], ['x', parseExpr('x - lr * sign(m)')]], ['x', 'm'], new Set(['x', 'm']), ['lr', 'beta']);
    expect(bytes).not.toBeNull();
    expect(wasmApi!.validate(bytes!)).toBe(true);
  });

  it('lays regions out 16-byte aligned with room for the pad lane', () => {
    const L = updateLayout(2);
    const offsets = [L.z, L.diag, L.center, L.sigma, L.vec(0), L.vec(1), L.scalars];
    for (const o of offsets) expect(o % 16).toBe(0);
    for (let k = 1; k < offsets.length; k++) expect(offsets[k] - offsets[k - 1]).toBeGreaterThanOrEqual((UPDATE_CHUNK + 1) * 8);
    expect(L.bytes(3)).toBe(L.scalars + 8 * 7);
  });
});
