import { describe, expect, it } from 'vitest';
import { checkProgram, type StepProgram } from '../../algorithms/program.ts';
import { algorithms } from '../../algorithms/index.ts';
import { lowerProgram, type PlannedMap, type PlannedScalar, type Reads } from './lower.ts';
import { nameTableOf, resolveName } from './resolve.ts';

/** A program that declares a scalar `d` (as D-Adaptation and Prodigy do) and a local `n`-free map. */
const SHADOW: StepProgram = {
  vectors: [{ name: 'm', scope: 'server' }],
  scalars: [
    { name: 'd', scope: 'server', init: 1e-6 },
    { name: 'first', scope: 'server', init: 0 },
  ],
  params: ['lr'],
  ops: [
    { op: 'map', scope: 'server', assign: [['u', 'lr * d * g'], ['m', 'u + m * n'], ['x', 'x - m + first']], reduce: [{ into: 'd', kind: 'max', expr: 'abs(u) + T' }] },
    { op: 'scalar', scope: 'server', assign: [['d', 'd * 2 + t + fx']] },
  ],
};

describe('resolveName: locals, vectors, scalars, builtins, hyperparameters', () => {
  const table = nameTableOf(checkProgram('shadow', SHADOW));

  it('a declared scalar shadows the builtin of the same name (d is the D estimate, not the dimension)', () => {
    expect(resolveName(table, 'd', 'map')).toEqual({ kind: 'scalar', name: 'd', scope: 'server' });
    expect(resolveName(table, 'd', 'scalar')).toEqual({ kind: 'scalar', name: 'd', scope: 'server' });
    expect(resolveName(table, 'first', 'map')).toEqual({ kind: 'scalar', name: 'first', scope: 'server' });
  });

  it('a local shadows everything; vectors come before scalars; scalar ops see no vectors', () => {
    expect(resolveName(table, 'd', 'map', new Set(['d']))).toEqual({ kind: 'local', name: 'd' });
    expect(resolveName(table, 'g', 'map')).toEqual({ kind: 'vector', name: 'g', scope: 'server' });
    expect(() => resolveName(table, 'm', 'scalar')).toThrow(/unresolved name m/);
    // a local set is ignored by scalar ops (they have none)
    expect(resolveName(table, 'd', 'scalar', new Set(['d']))).toEqual({ kind: 'scalar', name: 'd', scope: 'server' });
  });

  it('builtins come before hyperparameters; unknown names throw', () => {
    expect(resolveName(table, 'n', 'map')).toEqual({ kind: 'builtin', name: 'n' });
    expect(resolveName(table, 'fx', 'scalar')).toEqual({ kind: 'builtin', name: 'fx' });
    expect(resolveName(table, 'lr', 'map')).toEqual({ kind: 'hyper', name: 'lr' });
    const both = nameTableOf(checkProgram('both', { ...SHADOW, scalars: [], params: ['T'], ops: [] }));
    expect(resolveName(both, 'T', 'map')).toEqual({ kind: 'builtin', name: 'T' });
    expect(() => resolveName(table, 'nope', 'map')).toThrow(/unresolved name nope/);
  });
});

describe('lowerProgram', () => {
  it('resolves every read of every statement once, with the locals assigned before it', () => {
    const plan = lowerProgram('shadow', SHADOW);
    const map = plan.ops[0] as PlannedMap;
    expect(map.assign.map((a) => [a.target, a.into])).toEqual([
      ['u', { kind: 'local', declares: true }],
      ['m', { kind: 'vector', scope: 'server' }],
      ['x', { kind: 'vector', scope: 'server' }],
    ]);
    expect(Object.fromEntries([...map.assign[0].reads].map(([k, r]) => [k, r.kind]))).toEqual({ lr: 'hyper', d: 'scalar', g: 'vector' });
    expect(Object.fromEntries([...map.assign[1].reads].map(([k, r]) => [k, r.kind]))).toEqual({ u: 'local', m: 'vector', n: 'builtin' });
    expect(map.assign[2].reads.get('first')?.kind).toBe('scalar');
    expect(Object.fromEntries([...map.reduce[0].reads].map(([k, r]) => [k, r.kind]))).toEqual({ u: 'local', T: 'builtin' });
    expect([...map.touched].sort()).toEqual(['g', 'm', 'x']);
    expect([...map.written].sort()).toEqual(['m', 'x']);
    const scalar = plan.ops[1] as PlannedScalar;
    expect(Object.fromEntries([...scalar.assign[0].reads].map(([k, r]) => [k, r.kind]))).toEqual({ d: 'scalar', t: 'builtin', fx: 'builtin' });
    expect(plan.readsFx).toBe(true);
    expect([...plan.usedVectors]).toEqual(['m']);
  });

  it('refuses what checkProgram refuses', () => {
    expect(() => lowerProgram('bad', { ...SHADOW, ops: [{ op: 'scalar', scope: 'server', assign: [['d', 'm']] }] })).toThrow(/reads "m"/);
  });

  it('D-Adaptation and Prodigy read their D estimate `d` as the scalar in every op', () => {
    for (const id of ['dadapt-sgd', 'dadapt-adam', 'dadapt-lion', 'prodigy']) {
      const def = algorithms.get(id);
      const plan = lowerProgram(id, def.program);
      const refs = plan.ops.flatMap((op): { reads: Reads }[] => (op.op === 'map' ? [...op.assign, ...op.reduce] : op.op === 'scalar' ? [...op.assign] : [])).flatMap((a) => [...a.reads.values()]);
      const dRefs = refs.filter((r) => r.name === 'd');
      expect(dRefs.length, id).toBeGreaterThan(0);
      expect(dRefs.every((r) => r.kind === 'scalar'), id).toBe(true);
    }
  });
});
