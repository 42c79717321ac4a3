import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { Purpose, fillNormals } from '../rng/streams.ts';
import { analyzeRate, type RateAnalysisSpec, type RateSummary } from './analysis.ts';
import { compareToBaseline } from './baseline.ts';
import { parseBound } from './bound.ts';
import { makeRow, type ParamValue, type ResultRow } from './results/index.ts';

const SYMBOLS = ['T', 'd', 'n', 'eta0', 'C'];

interface SweepOptions {
  Ts: number[];
  ds?: number[];
  ns?: number[];
  R: number;
  /** Metric of replica r in the cell; z is a standard normal, w a second one (both Philox). */
  value: (T: number, d: number, n: number, r: number, z: number, w: number) => number | null;
  algorithm?: string;
  params?: (T: number, d: number, n: number) => Record<string, ParamValue>;
  noiseSeed?: number;
}

/** Synthetic long-format rows for a T x d x n grid; noise from Philox, addressed by cell and replica. */
function sweep(o: SweepOptions): ResultRow[] {
  const rows: ResultRow[] = [];
  const z = new Float64Array(2);
  let cellIndex = 0;
  for (const T of o.Ts) {
    for (const d of o.ds ?? [4]) {
      for (const n of o.ns ?? [1]) {
        for (let r = 0; r < o.R; r++) {
          fillNormals(o.noiseSeed ?? 77, Purpose.noise, cellIndex, 0, r, z);
          const v = o.value(T, d, n, r, z[0], z[1]);
          rows.push(
            makeRow({
              theorem: 'thm',
              algorithm: o.algorithm ?? 'signum',
              problem: 'quad',
              noise: 'gauss',
              engine: 'cpu',
              seed: 5,
              T,
              d,
              n,
              params: o.params ? o.params(T, d, n) : { eta0: 1 },
              replica: r,
              metric: 'grad_l1',
              value: v,
              ...(v === null ? { diverged: { step: 10 } } : {}),
              gitSha: 'sha',
              wallMs: 1,
            }),
          );
        }
        cellIndex++;
      }
    }
  }
  return rows;
}

const Ts = [64, 128, 256, 512, 1024, 2048, 4096];

function spec(bound: string, extra: Partial<RateAnalysisSpec> = {}): RateAnalysisSpec {
  return { theorem: 'thm', metric: 'grad_l1', bound: parseBound(bound, SYMBOLS), variables: ['T'], tol: 0.05, resamples: 1000, seed: 3, ...extra };
}

describe('analyzeRate: fits and verdicts', () => {
  it('joint T x d fit of a sqrt(d) T^(-1/4) metric: both exponents TIGHT, summary is plain JSON', () => {
    const rows = sweep({ Ts, ds: [4, 16, 64], R: 24, value: (T, d, _n, _r, z) => 2 * Math.sqrt(d) * T ** -0.25 * Math.exp(0.1 * z) });
    const s = analyzeRate(rows, spec('C * sqrt(d) / T^(1/4)', { variables: ['T', 'd'], constants: { C: 3 } }));
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s.series).toHaveLength(1);
    const ser = s.series[0];
    expect(ser.replicas).toBe(24);
    expect(ser.cellCount).toBe(21);
    expect(ser.fittedCells).toBe(21);
    const [fT, fd] = ser.fit!.variables;
    expect(fT.variable).toBe('T');
    expect(fT.boundSlope).toBeCloseTo(-0.25, 12);
    expect(fd.boundSlope).toBeCloseTo(0.5, 12);
    expect(fT.boundLocalSlope.min).toBeCloseTo(-0.25, 12);
    expect(fT.range).toEqual([64, 4096]);
    // With sigma = 0.1 over 24 replicas and 21 cells the slope's standard error is ~ 0.002,
    // far inside tol = 0.05: both CIs must lie within tol of the exponents.
    expect(fT.verdict).toBe('TIGHT');
    expect(fd.verdict).toBe('TIGHT');
    expect(fT.ci[0]).toBeLessThan(fT.slope);
    expect(fT.ci[1]).toBeGreaterThan(fT.slope);
    expect(fT.ciWidth).toBeCloseTo(fT.ci[1] - fT.ci[0], 15);
    expect(fT.ciWidth).toBeLessThan(0.05);
    expect(Math.abs(fT.theilSen! + 0.25)).toBeLessThan(0.02);
    expect(fT.theilSenCi![0]).toBeLessThanOrEqual(fT.theilSen!);
    expect(ser.fit!.r2).toBeGreaterThan(0.99);
  });

  it('faster than the bound: PASS; slower: FAIL; at the limit: INCONCLUSIVE', () => {
    const at = (slope: number, sigma: number, R: number) =>
      sweep({ Ts, R, value: (T, _d, _n, _r, z) => T ** slope * Math.exp(sigma * z) });
    const verdict = (rows: ResultRow[]) => analyzeRate(rows, spec('T^(-1/4)')).series[0].fit!.variables[0].verdict;
    expect(verdict(at(-0.5, 0.1, 16))).toBe('PASS');
    expect(verdict(at(-0.1, 0.1, 16))).toBe('FAIL');
    // True slope exactly at s_B + tol = -0.2 with sigma = 0.5: the CI (width ~0.1) is centred on
    // the limit; a 95% CI misses its centre only with ~5% probability, and the seed is fixed.
    expect(verdict(at(-0.2, 0.5, 16))).toBe('INCONCLUSIVE');
  });

  it("a sum-of-powers bound: the verdict uses the bound's OLS slope over the swept n", () => {
    const bound = parseBound('sqrt(d)/sqrt(T) + d/sqrt(n)', SYMBOLS);
    const ns = [1, 2, 4, 8, 16, 32];
    const rows = sweep({ Ts: [256], ds: [8], ns, R: 12, value: (T, d, n, _r, z) => (Math.sqrt(d / T) + d / Math.sqrt(n)) * Math.exp(0.05 * z) });
    const s = analyzeRate(rows, { ...spec('T'), bound, variables: ['n'] });
    const f = s.series[0].fit!.variables[0];
    expect(f.boundSlope).toBeCloseTo(bound.sweepSlope('n', ns, { T: 256, d: 8 }), 12);
    expect(f.boundSlope).toBeGreaterThan(-0.5);
    // local slope -(1/2) (d/sqrt(n)) / B: steepest at n = 1 (-0.489), flattest at n = 32 (-0.444)
    expect(f.boundLocalSlope.min).toBeCloseTo(bound.localSlope('n', { T: 256, d: 8, n: 1 }), 12);
    expect(f.boundLocalSlope.max).toBeCloseTo(bound.localSlope('n', { T: 256, d: 8, n: 32 }), 12);
    expect(f.boundSlope).toBeGreaterThan(f.boundLocalSlope.min);
    expect(f.boundSlope).toBeLessThan(f.boundLocalSlope.max);
    expect(f.verdict).toBe('TIGHT');
  });

  it('median aggregation recovers the exponent of a heavy-tailed (Cauchy-scale) metric', () => {
    // m = T^(-1/4) |z/w|: a scale family with infinite mean, so only the median is meaningful;
    // log median(m_T) = -1/4 log T + log median|Cauchy| exactly. 95% CI, fixed seed.
    const rows = sweep({ Ts, R: 64, value: (T, _d, _n, _r, z, w) => T ** -0.25 * Math.abs(z / w) });
    const s = analyzeRate(rows, spec('T^(-1/4)', { aggregation: 'median' }));
    expect(s.aggregation).toBe('median');
    const f = s.series[0].fit!.variables[0];
    expect(f.ci[0]).toBeLessThanOrEqual(-0.25);
    expect(f.ci[1]).toBeGreaterThanOrEqual(-0.25);
  });

  it('is deterministic in the seed', () => {
    const rows = sweep({ Ts, R: 10, value: (T, _d, _n, _r, z) => T ** -0.25 * Math.exp(0.3 * z) });
    const a = analyzeRate(rows, spec('T^(-1/4)'));
    expect(analyzeRate([...rows].reverse(), spec('T^(-1/4)'))).toEqual(a);
    const b = analyzeRate(rows, spec('T^(-1/4)', { seed: 4 }));
    expect(b.series[0].fit!.variables[0].ci).not.toEqual(a.series[0].fit!.variables[0].ci);
    expect(b.series[0].fit!.variables[0].slope).toBe(a.series[0].fit!.variables[0].slope);
  });

  it('splits series by algorithm and by declared series params', () => {
    const rows = [
      ...sweep({ Ts, R: 4, algorithm: 'signum', value: (T) => T ** -0.25 }),
      ...sweep({ Ts, R: 4, algorithm: 'signsgd', value: (T) => T ** -0.5 }),
    ];
    const s = analyzeRate(rows, spec('T^(-1/4)'));
    expect(s.series.map((x) => x.series.algorithm)).toEqual(['signsgd', 'signum']);
    expect(s.series[1].fit!.variables[0].slope).toBeCloseTo(-0.25, 12);
    const variants = [
      ...sweep({ Ts, R: 4, value: (T) => T ** -0.25, params: () => ({ variant: 'a' }) }),
      ...sweep({ Ts, R: 4, value: (T) => T ** -0.5, params: () => ({ variant: 'b' }) }),
    ];
    expect(() => analyzeRate(variants, spec('T^(-1/4)'))).toThrow(/one cell per value of \(T\)/);
    const split = analyzeRate(variants, spec('T^(-1/4)', { series: ['variant'] }));
    expect(split.series.map((x) => x.series.params.variant)).toEqual(['a', 'b']);
  });

  it('params that vary with T (schedules) do not split series; swept params can be variables', () => {
    const rows = sweep({ Ts, R: 4, value: (T) => T ** -0.25, params: (T) => ({ eta: T ** -0.75, kappa: 1.5 }) });
    expect(analyzeRate(rows, spec('T^(-1/4)')).series).toHaveLength(1);
    const kappaRows = [1.25, 1.5, 1.75, 2].flatMap((kappa) =>
      sweep({ Ts: [100], R: 4, value: () => kappa ** 2, params: () => ({ kappa }) }),
    );
    const bound = parseBound('kappa^2', ['T', 'd', 'n', 'kappa']);
    const s = analyzeRate(kappaRows, { ...spec('T'), bound, variables: ['kappa'] });
    expect(s.series[0].fit!.variables[0].slope).toBeCloseTo(2, 12);
    expect(s.series[0].fit!.variables[0].verdict).toBe('TIGHT');
  });
});

describe('analyzeRate: divergence, exclusions and input errors', () => {
  it('diverged and non-positive cells are excluded, listed, never averaged', () => {
    const rows = sweep({
      Ts,
      R: 6,
      value: (T, _d, _n, r) => (T === 128 && r === 2 ? null : T === 256 && r === 0 ? 0 : T ** -0.25),
    });
    const ser = analyzeRate(rows, spec('T^(-1/4)')).series[0];
    expect(ser.excluded.map((e) => e.reason)).toEqual(['diverged', 'non-positive']);
    expect(ser.excluded[0].detail).toContain('1 of 6 replicas diverged (first at step 10)');
    expect(ser.fittedCells).toBe(Ts.length - 2);
    expect(ser.fit!.variables[0].slope).toBeCloseTo(-0.25, 12);
    expect(ser.fit!.variables[0].range).toEqual([64, 4096]);
  });

  it('too few usable cells: no fit, and a stated reason', () => {
    const rows = sweep({ Ts: [64, 128, 256], R: 4, value: (T, _d, _n, r) => (T > 64 && r === 0 ? null : 1) });
    const ser = analyzeRate(rows, spec('T^(-1/4)')).series[0];
    expect(ser.fit).toBeNull();
    expect(ser.insufficient).toMatch(/1 usable cell/);
  });

  it('rejects inconsistent input with the rule', () => {
    const rows = sweep({ Ts, R: 4, value: (T) => T ** -0.25 });
    expect(() => analyzeRate(rows, spec('T^(-1/4)', { metric: 'other' }))).toThrow(/none matching/);
    expect(() => analyzeRate(rows.slice(1), spec('T^(-1/4)'))).toThrow(/same set in every cell/);
    expect(() => analyzeRate(rows, spec('T^(-1/4)', { resamples: 100 }))).toThrow(/resamples/);
    expect(() => analyzeRate(rows, spec('T^(-1/4)', { variables: ['L'] }))).toThrow(/symbols of the bound/);
    expect(() => analyzeRate(rows, spec('T^(-1/4)', { variables: ['d'] }))).toThrow(/one cell per value of \(d\)/);
    expect(() => analyzeRate(rows, spec('C * T^(-1/4)'))).toThrow(/bound symbol C/);
    expect(() => analyzeRate(rows, spec('eta0 * T^(-1/4)', { constants: { eta0: 2 } }))).toThrow(/different values/);
    const diagonal = [4, 16, 64].flatMap((v) => sweep({ Ts: [v], ds: [v], R: 4, value: () => 1 }));
    expect(() => analyzeRate(diagonal, spec('sqrt(d)/T', { variables: ['T', 'd'] }))).toThrow(/linearly independent/);
    const one = sweep({ Ts, R: 1, value: (T) => T ** -0.25 });
    expect(() => analyzeRate(one, spec('T^(-1/4)'))).toThrow(/at least 2/);
  });
});

describe('bound-value check and stall check', () => {
  it('holds / violated / inconclusive against B at every cell, with Bonferroni levels', () => {
    const make = (factor: number, sigma: number) => sweep({ Ts, R: 20, value: (T, _d, _n, _r, z) => factor * 3 * T ** -0.25 * Math.exp(sigma * z) });
    const check = (rows: ResultRow[]) => analyzeRate(rows, spec('C * T^(-1/4)', { constants: { C: 3 }, valueCheck: true })).series[0].value!;
    const holds = check(make(0.5, 0.1));
    expect(holds.status).toBe('holds');
    expect(holds.cellLevel).toBeCloseTo(1 - 0.05 / 7, 14);
    expect(holds.cells[0].bound).toBeCloseTo(3 * 64 ** -0.25, 14);
    expect(holds.cells[0].point).toEqual({ T: 64, C: 3 });
    expect(check(make(2, 0.1)).status).toBe('violated');
    // E[m] = B exp(sigma^2 / 2) ~ 1.005 B with sigma = 0.1: the CIs straddle B.
    expect(check(make(1, 0.1)).status).toBe('inconclusive');
    // a separate explicit-constant bound for the value check; slopes still from `bound`
    const s = analyzeRate(make(2, 0.1), spec('T^(-1/4)', { valueBound: parseBound('10 * T^(-1/4)', SYMBOLS), valueCheck: true }));
    expect(s.series[0].value!.status).toBe('holds');
    expect(s.series[0].value!.cells[0].bound).toBeCloseTo(10 * 64 ** -0.25, 14);
  });

  it('value check uses the mean even when the fit aggregates by median, and skips diverged cells', () => {
    const rows = sweep({ Ts, R: 9, value: (T, _d, _n, r) => (T === 64 && r === 0 ? null : r === 8 ? 100 : 1) });
    const v = analyzeRate(rows, spec('T^0', { aggregation: 'median', valueCheck: true })).series[0].value!;
    // mean (8 x 1 + 100) / 9 = 12 > B = 1 at every non-diverged cell
    expect(v.cells.every((c) => Math.abs(c.mean - 12) < 1e-12)).toBe(true);
    expect(v.cells).toHaveLength(6);
    expect(v.note).toMatch(/1 diverged/);
  });

  it('a plateau is reproduced as a stall; a converging metric is not', () => {
    const plateau = sweep({ Ts, R: 16, value: (T, _d, _n, _r, z) => (T ** -0.5 + 0.3) * Math.exp(0.1 * z) });
    const stall = { variable: 'T', floor: 0.2, claimedSlope: -0.25 };
    const a = analyzeRate(plateau, spec('T^(-1/4)', { stall })).series[0].stall!;
    expect(a.status).toBe('reproduced');
    expect(a.at).toBe(4096);
    expect(a.cells).toHaveLength(1);
    const converging = sweep({ Ts, R: 16, value: (T, _d, _n, _r, z) => T ** -0.25 * Math.exp(0.1 * z) });
    const b = analyzeRate(converging, spec('T^(-1/4)', { stall })).series[0].stall!;
    expect(b.status).toBe('not reproduced');
    expect(b.reasons).toHaveLength(2);
    expect(() => analyzeRate(plateau, spec('T^(-1/4)', { stall: { variable: 'd', floor: 1 } }))).toThrow(/fitted variables/);
  });
});

describe('compareToBaseline', () => {
  const rows = sweep({ Ts, R: 12, value: (T, _d, _n, _r, z) => T ** -0.25 * Math.exp(0.1 * z) });
  const base = analyzeRate(rows, spec('T^(-1/4)', { valueCheck: true, stall: { variable: 'T', claimedSlope: -0.6 } }));
  const clone = (s: RateSummary): RateSummary => JSON.parse(JSON.stringify(s)) as RateSummary;

  it('no findings against itself', () => {
    expect(compareToBaseline(base, base, 0.02)).toEqual({ regressions: [], changes: [] });
  });

  it('verdict worsened, exponent left the CI, value and stall worsened, series missing', () => {
    const cur = clone(base);
    const f = cur.series[0].fit!.variables[0];
    expect(f.verdict).toBe('TIGHT');
    (f as { verdict: string }).verdict = 'INCONCLUSIVE';
    (f as { slope: number }).slope = base.series[0].fit!.variables[0].ci[1] + 0.03;
    (cur.series[0].value as { status: string }).status = 'violated';
    (cur.series[0].stall as { status: string }).status = 'not reproduced';
    const kinds = compareToBaseline(cur, base, 0.02).regressions.map((r) => r.kind);
    expect(kinds).toEqual(['verdict', 'exponent', 'value', 'stall']);
    // within tol of the baseline CI: not a regression
    (f as { slope: number }).slope = base.series[0].fit!.variables[0].ci[1] + 0.01;
    expect(compareToBaseline(cur, base, 0.02).regressions.map((r) => r.kind)).not.toContain('exponent');
    const empty = { ...clone(base), series: [] };
    expect(compareToBaseline(empty, base, 0.02).regressions.map((r) => r.kind)).toEqual(['missing-series']);
    expect(compareToBaseline(base, empty, 0.02).changes.map((r) => r.kind)).toEqual(['new-series']);
  });

  it('series carrying instance constants match when those differ only in the last bits, not beyond 10 digits', () => {
    const withParam = (v: number): RateSummary => {
      const s = clone(base);
      const series = s.series[0] as { key: string; series: { params: Record<string, number> } };
      series.series.params = { ...series.series.params, Delta: v };
      series.key = `${series.key},Delta=${v}`;
      return s;
    };
    const b = withParam(1.7751627378792842);
    expect(compareToBaseline(withParam(1.775162737879283), b, 0.02)).toEqual({ regressions: [], changes: [] });
    const moved = compareToBaseline(withParam(1.775163), b, 0.02);
    expect(moved.regressions.map((r) => r.kind)).toEqual(['missing-series']);
    expect(moved.changes.map((r) => r.kind)).toEqual(['new-series']);
  });

  it('TIGHT -> PASS is a change, not a regression; so is an improvement', () => {
    const cur = clone(base);
    (cur.series[0].fit!.variables[0] as { verdict: string }).verdict = 'PASS';
    const r = compareToBaseline(cur, base, 0.02);
    expect(r.regressions).toEqual([]);
    expect(r.changes.map((c) => c.message)).toEqual(['verdict TIGHT -> PASS']);
    const worse = clone(base);
    (worse.series[0].fit!.variables[0] as { verdict: string }).verdict = 'FAIL';
    expect(compareToBaseline(base, worse, 0.02).regressions).toEqual([]);
  });

  it('a lost fit is a regression; other theorems cannot be compared', () => {
    const cur = clone(base);
    (cur.series[0] as { fit: unknown }).fit = null;
    (cur.series[0] as { insufficient: string }).insufficient = '1 usable cell(s)';
    expect(compareToBaseline(cur, base, 0).regressions[0].kind).toBe('missing-fit');
    expect(() => compareToBaseline({ ...cur, theorem: 'x' }, base, 0)).toThrow(/same theorem/);
  });
});
