import { describe, expect, it } from 'vitest';
import { runCpu } from '../src/engine/cpu.ts';
import { specFromRecipe } from '../src/engine/recipe.ts';
import { createNoise } from '../src/noise/index.ts';
import { parseBound } from '../src/theorems/bound.ts';
import type { RateTheorem, SweepCell } from '../src/theorems/types.ts';
import { theorems } from './index.ts';
import { heavyTailNoise, tailIndex } from './lib/heavy-tails.ts';
import { sweep as minibatchSweep } from './minibatch-signsgd-heavy-tails.ts';
import { sweep as momentumSweep } from './m-signsgd-heavy-tails.ts';
import { budgetRatio } from './signsgd-beats-sgd-sparse-noise.ts';
import { signsgdBatch1Biased } from './signsgd-batch1-biased.ts';
import { signsgdDeterministic } from './signsgd-deterministic.ts';
import { kappaSigma } from '../src/noise/moments.ts';

/** The declarations this file covers (other experiments/ files have their own tests). */
const MINE = new Set([
  'signum-l2',
  'signsgd-deterministic',
  'signsgd-batch1-biased',
  'minibatch-signsgd-heavy-tails',
  'm-signsgd-heavy-tails',
  'signsgd-beats-sgd-sparse-noise',
]);
const mine = () => theorems.all().filter((th) => MINE.has(th.id));

/** Theorems whose cells() tune hyperparameters by running the engine (too slow for a unit test). */
const TUNED = new Set(['minibatch-signsgd-heavy-tails', 'm-signsgd-heavy-tails', 'signsgd-beats-sgd-sparse-noise']);

function symbolsOf(th: RateTheorem): string[] {
  return [...new Set([...th.variables, 'T', 'd', 'n', ...Object.keys(th.constants), ...(th.series ?? []), ...(th.paramSymbols ?? [])])];
}

describe('theorem declarations', () => {
  it('all six are registered', () => {
    expect(mine().map((th) => th.id).sort()).toEqual([...MINE].sort());
  });

  it.each(mine().map((th) => [th.id, th] as const))('%s: bounds parse over the declared symbols, fields are filled', (_id, th) => {
    expect(th.statement.length).toBeGreaterThan(10);
    expect(th.design.length).toBeGreaterThan(50);
    expect(th.tolWhy.length).toBeGreaterThan(10);
    expect(th.tol).toBeGreaterThan(0);
    const b = parseBound(th.bound, symbolsOf(th));
    for (const v of th.variables) expect(b.symbols).toContain(v);
    if (th.valueBound) parseBound(th.valueBound, symbolsOf(th));
    if (th.kind === 'negative') expect(th.stall).toBeDefined();
  });

  it.each(mine().filter((th) => !TUNED.has(th.id)).flatMap((th) => (['quick', 'full'] as const).map((p) => [th.id, p, th] as const)))(
    '%s (%s): cells build valid runs, carry the series params, and one cell per swept point per series',
    (_id, profile, th) => {
      const cells = th.cells(profile);
      expect(cells.length).toBeGreaterThan(2);
      const seen = new Set<string>();
      for (const c of cells) {
        const spec = specFromRecipe(c.recipe);
        expect(spec.replicas).toBeGreaterThanOrEqual(2);
        for (const p of th.series ?? []) expect(c.params[p]).toBeDefined();
        const point = th.variables.map((v) => (v === 'T' ? c.recipe.T : v === 'd' ? spec.problem.d : v === 'n' ? c.recipe.workers : c.params[v]));
        const key = `${(th.series ?? []).map((p) => String(c.params[p])).join('/')}|${c.recipe.algorithm}|${point.join(',')}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    },
  );
});

describe('signsgd-deterministic', () => {
  it('P4 eq. (1) at gamma = sqrt(Delta/(L_inf T)) holds exactly on short runs, with no frozen coordinate', () => {
    const cells = signsgdDeterministic.cells('quick').filter((c) => c.recipe.T <= 1024);
    expect(cells.length).toBe(4);
    for (const c of cells) {
      const res = runCpu(specFromRecipe(c.recipe));
      const { Delta, Linf } = c.params as { Delta: number; Linf: number };
      const bound = 1.5 * Math.sqrt((Delta * Linf) / c.recipe.T);
      expect(res.avgG1[0]).toBeLessThanOrEqual(bound);
      expect(res.avgG1[0]).toBe(res.avgG1[1]); // exact gradients: replicas identical
      expect(res.frozen[0]).toBe(0);
    }
  });
});

describe('signsgd-batch1-biased', () => {
  it('the stall floor is half of d sigma |median| of the declared noise, and the noise is mean-zero with median != 0', () => {
    const cell: SweepCell = signsgdBatch1Biased.cells('quick')[0];
    const noise = createNoise('bimodal', cell.recipe.noise!.params!);
    expect(noise.mean).toBe(0);
    expect(Math.abs(noise.median)).toBeGreaterThan(0.1);
    const d = specFromRecipe(cell.recipe).problem.d;
    expect(signsgdBatch1Biased.stall!.floor).toBeCloseTo((d * (cell.recipe.noise!.sigma as number) * Math.abs(noise.median)) / 2, 12);
  });
});

describe('heavy-tail sweeps', () => {
  it('noise: tail index above kappa (kappa-moment finite), sigma_kappa normalised to 1', () => {
    for (const kappa of [1.25, 1.5, 1.75, 2]) {
      for (const shape of ['skewed', 'symmetric'] as const) {
        if (shape === 'symmetric' && kappa === 2) continue;
        const ref = heavyTailNoise(kappa, shape);
        const model = createNoise(ref.model, ref.params);
        expect(model.momentLimit).toBeGreaterThan(kappa);
        expect(kappaSigma(model, kappa, ref.sigma as number)).toBeCloseTo(1, 10);
        expect(model.symmetric).toBe(shape === 'symmetric');
      }
      expect(tailIndex(kappa)).toBeGreaterThan(kappa);
    }
  });

  it('recipes at grid values are valid runs with N = T B samples (minibatch) and T samples (momentum)', () => {
    const s = { kappa: 1.5, shape: 'skewed' as const, budgets: [4096] };
    const [bAxis, lrAxis] = minibatchSweep.axesFor(4096);
    const r = minibatchSweep.recipe(s, 4096, { batch: bAxis.value(bAxis.hi), lr: lrAxis.value(-8) }, 2, 1);
    expect(r.T * (r.hyper.batch as number)).toBe(4096);
    expect(r.T).toBe(4);
    specFromRecipe(r);
    const [betaAxis, lr2] = momentumSweep.axesFor(2048);
    expect(betaAxis.value(betaAxis.lo)).toBe(1 / 2048);
    expect(betaAxis.value(betaAxis.hi)).toBe(1);
    specFromRecipe(momentumSweep.recipe(s, 2048, { beta: 0.25, lr: lr2.value(-8) }, 2, 1));
  });
});

describe('signsgd-beats-sgd-sparse-noise', () => {
  it('the budget ratio is d for sparse noise and 1 for dense noise of equal scales', () => {
    for (const d of [4, 32, 128]) {
      expect(budgetRatio('sparse', d)).toBe(d);
      expect(budgetRatio('dense', d)).toBe(1);
    }
  });
});
