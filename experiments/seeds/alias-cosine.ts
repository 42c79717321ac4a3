import { runCpu } from '../../src/engine/cpu.ts';
import { specFromRecipe, type RunRecipe } from '../../src/engine/recipe.ts';
import { bandSeries, fmt, LEVEL } from '../../src/experiments/compare.ts';
import { roundSig } from '../../src/experiments/runner.ts';
import { meanCi } from '../../src/stats/index.ts';
import type { ExperimentJob, ExperimentProfile, ExperimentResults, SeedExperiment } from '../../src/experiments/types.ts';
import type { Claim, Series, Table } from '../../src/report/model.ts';
import { ALIAS_INSTANCES } from './alias-vs-tuned.ts';

/**
 * Seed experiment alias-cosine (P4, Figure 1: "the ALIAS with momentum effective stepsize naturally
 * tracks the cosine scheduler"): the step size gamma_t that ALIAS with momentum chooses over a run,
 * read from the program through the engine's observe hook, against a cosine schedule with the same
 * peak, c_t = peak (1 + cos(pi t / T)) / 2, and against a t^{-1/2} decay with the same peak,
 * r_t = peak min(1, sqrt((t_peak + 1)/(t + 1))) (what eta^t ~ t L gives). Reported per run: Pearson
 * correlations corr(gamma, c) and corr(gamma, r), relative l2 distances ||gamma - c|| / ||c||, the
 * peak's position and gamma_T / peak; the downsampled curves are kept for the figure.
 */

const T_OF: Record<ExperimentProfile, number> = { tiny: 300, quick: 2000, full: 5000 };
const SEEDS_OF: Record<ExperimentProfile, number> = { tiny: 3, quick: 8, full: 30 };
const INSTANCES_OF: Record<ExperimentProfile, readonly string[]> = {
  tiny: ['rotated', 'logistic'],
  quick: ['rotated', 'logistic', 'sum-cosh', 'mushroom'],
  full: ['rotated', 'logistic', 'sum-cosh', 'mushroom'],
};
/** Points of the stored curves (t = k T / POINTS). */
const POINTS = 100;

export const COSINE_METHODS = [
  { id: 'alias-momentum', label: 'ALIAS with momentum (Option I, mu = 0.9)' },
  { id: 'alias-ii-momentum', label: 'ALIAS with momentum (Option II, ftilde = 0, mu = 0.9; the authors\' LLM setting)' },
] as const;

/** Pearson correlation of two equally long series. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}

/** ||a - b||_2 / ||b||_2. */
function relGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] * b[i];
  }
  return Math.sqrt(num / den);
}

/** The shape statistics of one step-size trajectory gamma_0..gamma_{T-1}. */
export function scheduleShape(gam: ArrayLike<number>) {
  const T = gam.length;
  let peak = -Infinity;
  let tPeak = 0;
  for (let t = 0; t < T; t++) {
    if (gam[t] > peak) {
      peak = gam[t];
      tPeak = t;
    }
  }
  const cos = new Float64Array(T);
  const inv = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    cos[t] = peak * 0.5 * (1 + Math.cos((Math.PI * t) / T));
    inv[t] = peak * Math.min(1, Math.sqrt((tPeak + 1) / (t + 1)));
  }
  return { peak, tPeakFrac: tPeak / T, endOverPeak: gam[T - 1] / peak, corrCos: pearson(gam, cos), corrInvSqrt: pearson(gam, inv), relGapCos: relGap(gam, cos), relGapInvSqrt: relGap(gam, inv), cos, inv };
}

function recipe(method: string, instance: string, seed: number, T: number): RunRecipe {
  const inst = ALIAS_INSTANCES.find((x) => x.id === instance)!;
  return { algorithm: method, hyper: {}, problem: { family: inst.family, params: inst.params(seed) }, noise: null, T, workers: 1, replicas: 1, seed: 0 };
}

export const aliasCosine: SeedExperiment = {
  id: 'alias-cosine',
  summary: 'effective step size of ALIAS with momentum against a cosine schedule with the same peak',
  title: "ALIAS with momentum: does its step size track a cosine schedule?",
  source: 'P4 (Medyakov et al. 2025, arXiv 2506.03725), Figure 1 and "Cosine behavior emerges automatically"',
  claim: 'The effective step size of ALIAS with momentum closely matches a tuned cosine schedule.',
  setup:
    `ALIAS with momentum (Options I and II, defaults, mu = 0.9), exact gradients, on the instances of alias-vs-tuned; gamma_t read from the program after every step. ` +
    'Compared with c_t = peak (1 + cos(pi t/T))/2 and with r_t = peak min(1, sqrt((t_peak + 1)/(t + 1))), both with the run\'s own peak (correlation is scale-free; the l2 distance uses the same peak).',
  seedScheme: 'seed s: the instance is drawn from s (as in alias-vs-tuned); runs are deterministic given the instance',
  settings: (profile) => ({ T: T_OF[profile], seeds: SEEDS_OF[profile], instances: [...INSTANCES_OF[profile]], points: POINTS }),
  seeds: (profile) => Array.from({ length: SEEDS_OF[profile] }, (_, i) => i + 1),
  jobs(profile): ExperimentJob[] {
    return INSTANCES_OF[profile].flatMap((instance) =>
      COSINE_METHODS.flatMap((m) => this.seeds(profile).map((seed) => ({ key: `${instance}/${m.id}/seed=${seed}`, method: m.id, seed, params: { instance } }))),
    );
  },
  runJob(job, profile) {
    const T = T_OF[profile];
    const gam = new Float64Array(T);
    const res = runCpu(specFromRecipe(recipe(job.method, String(job.params.instance), job.seed, T)), { observe: (s) => (gam[s.t] = s.S.gam[0]) });
    const div = res.divergedAt[0];
    const sh = scheduleShape(gam);
    const idx = Array.from({ length: POINTS }, (_, k) => Math.floor((k * T) / POINTS));
    return {
      values: {
        peak: sh.peak,
        tPeakFrac: sh.tPeakFrac,
        endOverPeak: sh.endOverPeak,
        corrCos: sh.corrCos,
        corrInvSqrt: sh.corrInvSqrt,
        relGapCos: sh.relGapCos,
        relGapInvSqrt: sh.relGapInvSqrt,
        finalGap: div < 0 ? res.curve[0].fGap[0] : null,
      },
      checkpoints: idx,
      curves: {
        gammaOverPeak: idx.map((t) => roundSig(gam[t] / sh.peak, 5)),
        cosineOverPeak: idx.map((t) => roundSig(sh.cos[t] / sh.peak, 5)),
        invSqrtOverPeak: idx.map((t) => roundSig(sh.inv[t] / sh.peak, 5)),
      },
      divergedAt: div >= 0 ? div : null,
      enginePath: res.path ?? 'cpu',
    };
  },
  analyze(results: ExperimentResults) {
    const instances = results.settings.instances as string[];
    const rows: Array<Record<string, string | number | null>> = [];
    const claims: Claim[] = [];
    const series: Series[] = [];
    let tracks = 0;
    let closerCos = 0;
    let groups = 0;
    for (const instance of instances) {
      for (const m of COSINE_METHODS) {
        const jobs = results.jobs.filter((j) => j.method === m.id && j.params.instance === instance);
        const v = (k: string) => jobs.map((j) => j.values[k]).filter((x): x is number => x !== null && Number.isFinite(x));
        const c = (k: string) => (v(k).length >= 2 ? meanCi(v(k), LEVEL) : null);
        const cc = c('corrCos');
        const ci = c('corrInvSqrt');
        groups++;
        if (cc && cc.lo >= 0.9) tracks++;
        if (cc && ci && cc.mean > ci.mean) closerCos++;
        const show = (x: { mean: number; lo: number; hi: number } | null) => (x ? `${fmt(x.mean, 3)} [${fmt(x.lo, 3)}, ${fmt(x.hi, 3)}]` : '-');
        rows.push({
          instance,
          method: m.id,
          corrCos: show(cc),
          corrInvSqrt: show(ci),
          relGapCos: show(c('relGapCos')),
          relGapInvSqrt: show(c('relGapInvSqrt')),
          tPeak: show(c('tPeakFrac')),
          end: show(c('endOverPeak')),
        });
        if (m.id === 'alias-ii-momentum') {
          series.push(bandSeries(`${instance}: gamma_t / peak`, jobs, 'gammaOverPeak'));
        }
      }
    }
    const cosRef = results.jobs[0];
    if (cosRef) series.push({ name: 'cosine, same peak', mark: 'dashed', points: cosRef.checkpoints.map((t, k) => ({ x: t, y: cosRef.curves.cosineOverPeak[k] ?? 0 })) });
    claims.push({
      statement: 'the effective step size of ALIAS with momentum tracks a cosine schedule with the same peak (Pearson r >= 0.9, lower 95% limit)',
      verdict: tracks === groups ? 'holds' : tracks === 0 ? 'contradicted' : 'not resolved',
      detail: `${tracks} of ${groups} instance/option groups have the lower CI limit of corr(gamma, cosine) >= 0.9`,
    });
    claims.push({
      statement: 'the step size is closer to a cosine schedule than to the t^{-1/2} decay that eta^t ~ t L implies',
      verdict: closerCos === groups ? 'holds' : closerCos === 0 ? 'contradicted' : 'not resolved',
      detail: `${closerCos} of ${groups} groups have the larger mean correlation with the cosine`,
    });
    const table: Table = {
      id: 'alias-cosine',
      title: 'ALIAS with momentum: shape of the effective step size',
      caption: `Means over ${results.seeds.length} seeds with 95% t-intervals; T = ${results.settings.T}. corr: Pearson correlation over t = 0..T-1; gap: ||gamma - ref|| / ||ref||; peak at t_peak / T; end: gamma_{T-1} / peak.`,
      columns: [
        { key: 'instance', label: 'instance', align: 'l' },
        { key: 'method', label: 'method', align: 'l' },
        { key: 'corrCos', label: 'corr(cosine)', align: 'r' },
        { key: 'corrInvSqrt', label: 'corr(t^-1/2)', align: 'r' },
        { key: 'relGapCos', label: 'gap(cosine)', align: 'r' },
        { key: 'relGapInvSqrt', label: 'gap(t^-1/2)', align: 'r' },
        { key: 'tPeak', label: 't_peak / T', align: 'r' },
        { key: 'end', label: 'gamma_T / peak', align: 'r' },
      ],
      rows,
    };
    return {
      verdict: claims.map((c) => c.verdict).join(' / '),
      ok: claims.every((c) => c.verdict !== 'contradicted'),
      settings: [
        ['T', String(results.settings.T)],
        ['seeds', String(results.seeds.length)],
        ['instances', instances.join(', ')],
        ['gradients', 'exact (full batch)'],
      ],
      tables: [table],
      claims,
      figures: [
        {
          kind: 'xy',
          id: 'alias-cosine',
          title: 'Effective step size of ALIAS with momentum (Option II) against a cosine with the same peak',
          caption: 'gamma_t / max_t gamma_t, mean and 95% band over seeds per instance; dashed: the cosine schedule with the same peak.',
          x: { label: 'step t' },
          y: { label: 'gamma_t / peak' },
          series,
        },
      ],
      discrepancies: [],
      notes: [
        'In the paper the runs are stochastic LLM training with a batch per step; here the gradients are exact, so eta^t accumulates clean curvature estimates and gamma^t = sqrt(D^t / eta^t) decays like t^{-1/2} once D^t settles; a stochastic run (different samples in g_t - g_{t-1}) inflates eta^t and changes the shape.',
      ],
    };
  },
};
