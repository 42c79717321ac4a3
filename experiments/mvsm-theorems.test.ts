import { describe, expect, it } from 'vitest';
import { parseBound } from '../src/theorems/bound.ts';
import { specFromRecipe } from '../src/engine/recipe.ts';
import { runCpu } from '../src/engine/cpu.ts';
import { deltaAt, spread, sweepG, v1Floor } from './mvsm-common.ts';
import { mvsmV1Floor } from './mvsm-v1-floor.ts';
import { mvsmV1LrRate } from './mvsm-v1-lr.ts';
import { mvsmV1Rate } from './mvsm-v1.ts';
import { mvsmV2Rate } from './mvsm-v2.ts';

const ALL = [mvsmV1Rate, mvsmV1LrRate, mvsmV2Rate, mvsmV1Floor];

describe('MVSM rate theorems: declarations', () => {
  it('bounds parse over the declared symbols and every cell starts exactly at x*', () => {
    for (const th of ALL) {
      const symbols = [...new Set([...th.variables, 'T', 'd', 'n', ...Object.keys(th.constants), ...(th.series ?? [])])];
      const b = parseBound(th.bound, symbols);
      if (th.valueBound) parseBound(th.valueBound, symbols);
      for (const profile of ['quick', 'full'] as const) {
        const cells = th.cells(profile);
        expect(cells.length).toBeGreaterThan(2);
        const Gs = new Set(cells.map((c) => c.params.G));
        expect(Gs.size, `${th.id}: one G per sweep`).toBe(1);
        for (const c of cells) {
          const p = c.recipe.problem.params as { d: number; workers: number };
          expect(deltaAt(p.d, p.workers)).toBe(0);
          expect(c.recipe.hyper.G).toBe(c.params.G);
        }
        expect(b.symbols).toEqual(expect.arrayContaining(th.variables as string[]));
      }
    }
    const ns = new Set(mvsmV1LrRate.cells('quick').map((c) => c.recipe.workers));
    expect(Math.max(...ns)).toBeGreaterThanOrEqual(256);
    expect(Math.min(...ns)).toBe(1);
  });

  it('G = 1.3 x spread + sigma, so the guard has a margin of 0.3 spread around x*', () => {
    expect(sweepG([[4, 3]], 0)).toBeCloseTo(1.3 * spread(4, 3), 3);
    expect(sweepG([[8, 1], [8, 256]], 0.25)).toBeGreaterThanOrEqual(1.3 * spread(8, 256) + 0.25 - 1e-3);
  });

  it("v1's predicted floor: the vote's mean is 0 at x_eq and positive beyond it (exact Poisson-binomial)", () => {
    const G = sweepG([[4, 3]], 0);
    const f = v1Floor(4, 3, G);
    expect(f.floor).toBeGreaterThan(0);
    expect(f.offsets.length).toBe(4);
    expect(mvsmV1Floor.stall!.floor).toBeCloseTo(f.floor, 3);
  });

  it('a short run of a floor cell stays inside the guarded box (no error) and v2 never sends a tie', () => {
    const cell = mvsmV1Floor.cells('quick').find((c) => c.params.variant === 'v2')!;
    const spec = specFromRecipe({ ...cell.recipe, T: 200, replicas: 2 });
    const res = runCpu(spec);
    expect(res.communication!.boundUse.G[0]).toBeLessThanOrEqual(1);
    expect(res.communication!.ternaryMessages[0]).toBe(0);
  });
});
