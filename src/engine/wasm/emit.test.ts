import { describe, expect, it } from 'vitest';
import { emitModule, F64, Fn, I32, sleb, uleb, V128 } from './emit.ts';
import { wasmApi } from './normals.ts';

describe('WebAssembly emitter', () => {
  it('encodes LEB128 as the binary format specifies', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(-0x80000000)).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it('builds a module that validates and runs (scalar and SIMD, memory import)', () => {
    // f(a, b) = a * b + 1 ; g(p): memory[p..p+16) += (2, 3) as f64x2
    const f = new Fn('f', [F64, F64], [F64]);
    f.get(0).get(1).op('f64.mul').f64(1).op('f64.add');
    const g = new Fn('g', [I32]);
    const tmp = g.local(V128);
    g.get(0).load128().set(tmp);
    g.get(0).get(tmp).f64x2(2, 3).simd('f64x2.add').store128();
    const bytes = emitModule([f, g]);
    const api = wasmApi!;
    expect(api.validate(bytes)).toBe(true);
    const memory = new api.Memory({ initial: 1 });
    const ex = new api.Instance(new api.Module(bytes), { env: { memory } }).exports as { f: (a: number, b: number) => number; g: (p: number) => void };
    expect(ex.f(3, 0.5)).toBe(2.5);
    const view = new Float64Array(memory.buffer);
    view[2] = 10;
    view[3] = 20;
    ex.g(16);
    expect([view[2], view[3]]).toEqual([12, 23]);
  });
});
