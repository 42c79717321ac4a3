import fc from 'fast-check';
import { all, create } from 'mathjs';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../problems/types.ts';
import { buildProblem, coordArb, coordsArb, pointOf, problemSpecArb, specDim, type ProblemSpec } from './domains.ts';
import { evaluationErrors, pointRoundingF } from './rounding.ts';

// The evaluation-error models are what every lemma tolerance rests on. These tests recompute f and
// grad f in 200-digit decimal arithmetic from the exact binary values of the stored constants and
// the point, and check that the float64 results are within the models' bounds.
const math = create(all, { number: 'BigNumber', precision: 200 });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dec = any;
const D = (math as unknown as { BigNumber: new (v: string | number) => Dec }).BigNumber;
const TWO = new D(2);

/** The exact value of a double as a decimal (mantissa times a power of two). */
function exact(x: number): Dec {
  if (x === 0 || !Number.isFinite(x)) return new D(x);
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const sign = hi >>> 31 ? -1 : 1;
  const expBits = (hi >>> 20) & 0x7ff;
  const mant = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
  const m = expBits === 0 ? mant : mant + (1n << 52n);
  const e = (expBits === 0 ? 1 : expBits) - 1075;
  return new D(m.toString()).times(TWO.pow(e)).times(sign);
}

const sum = (xs: Dec[]): Dec => xs.reduce((a: Dec, b: Dec) => a.plus(b), new D(0));

interface Exact {
  f(x: Float64Array): Dec;
  grad(x: Float64Array): Dec[];
}

function exactModel(p: Problem): Exact | undefined {
  const d = p.d;
  const c = p.constants.xStar ? Array.from(p.constants.xStar, exact) : Array.from({ length: d }, () => new D(0));
  const xs = (x: Float64Array): Dec[] => Array.from(x, exact);
  switch (p.id) {
    case 'separable-quadratic': {
      const L = Array.from(p.constants.Lvec!, exact);
      return {
        f: (x) => sum(xs(x).map((xi, i) => L[i].times(xi.minus(c[i]).pow(2)))).div(2),
        grad: (x) => xs(x).map((xi, i) => L[i].times(xi.minus(c[i]))),
      };
    }
    case 'rotated-quadratic': {
      const H = Array.from((p as Problem & { hessian: Float64Array }).hessian, exact);
      const hr = (x: Float64Array): Dec[] => {
        const r = xs(x).map((xi, i) => xi.minus(c[i]));
        return r.map((_, i) => sum(r.map((rj, j) => H[i * d + j].times(rj))));
      };
      return {
        f: (x) => {
          const r = xs(x).map((xi, i) => xi.minus(c[i]));
          const h = hr(x);
          return sum(r.map((ri, i) => ri.times(h[i]))).div(2);
        },
        grad: hr,
      };
    }
    case 'sum-cosh': {
      const a = exact(Number(p.params.a));
      const b = exact(Number(p.params.b));
      return {
        f: (x) => sum(xs(x).map((xi, i) => a.times(b.times(xi.minus(c[i])).cosh()))),
        grad: (x) => xs(x).map((xi, i) => a.times(b).times(b.times(xi.minus(c[i])).sinh())),
      };
    }
    case 'exp-sum': {
      const a = exact(Number(p.params.a));
      const b = exact(Number(p.params.b));
      return {
        f: (x) => sum(xs(x).map((xi) => a.times(b.times(xi).exp()))),
        grad: (x) => xs(x).map((xi) => a.times(b).times(b.times(xi).exp())),
      };
    }
    case 'quartic-sum': {
      const a = exact(Number(p.params.a));
      return {
        f: (x) => sum(xs(x).map((xi, i) => a.times(xi.minus(c[i]).pow(4)))).div(4),
        grad: (x) => xs(x).map((xi, i) => a.times(xi.minus(c[i]).pow(3))),
      };
    }
    case 'logistic-synthetic': {
      const lp = p as Problem & { lambda: number; train: { A: { rows: number; indptr: Int32Array; indices: Int32Array; values: Float64Array }; y: Float64Array } };
      const { A, y } = lp.train;
      const lam = exact(lp.lambda);
      const m = A.rows;
      const z = (w: Dec[]): Dec[] =>
        Array.from({ length: m }, (_, i) => {
          let s = new D(0);
          for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) s = s.plus(exact(A.values[q]).times(w[A.indices[q]]));
          return s;
        });
      return {
        f: (x) => {
          const w = xs(x);
          const zz = z(w);
          const loss = sum(zz.map((zi, i) => new D(1).plus(zi.times(-y[i]).exp()).ln())).div(m);
          return loss.plus(lam.div(2).times(sum(w.map((wi) => wi.pow(2)))));
        },
        grad: (x) => {
          const w = xs(x);
          const zz = z(w);
          const g = w.map((wi) => lam.times(wi));
          for (let i = 0; i < m; i++) {
            const t = zz[i].times(y[i]);
            const coef = new D(-y[i]).div(new D(1).plus(t.exp())).div(m);
            for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) g[A.indices[q]] = g[A.indices[q]].plus(coef.times(exact(A.values[q])));
          }
          return g;
        },
      };
    }
    default:
      return undefined;
  }
}

const families = ['separable-quadratic', 'rotated-quadratic', 'sum-cosh', 'exp-sum', 'quartic-sum', 'logistic-synthetic'];

describe('float64 evaluation-error models cover the actual rounding', () => {
  for (const family of families) {
    it(family, () => {
      const arb = fc.record({
        problem: problemSpecArb(['L0L1']).filter((s: ProblemSpec) => s.family === family),
        e: fc.integer({ min: -3, max: 3 }),
        coords: coordsArb(coordArb, 24),
      });
      const samples = fc.sample(arb, { numRuns: 12, seed: 20240601 });
      let worstF = 0;
      let worstG = 0;
      for (const s of samples) {
        const d = specDim(s.problem, s.coords.length);
        const p = buildProblem(s.problem, d);
        const model = exactModel(p)!;
        const ev = evaluationErrors(p);
        const x = pointOf(p, s.problem, s.coords, s.e);
        const fx = p.f(x);
        const g = new Float64Array(d);
        p.grad(x, g);
        const errF = Math.abs(new D(fx).minus(model.f(x)).toNumber());
        const ge = model.grad(x);
        let errG = 0;
        for (let i = 0; i < d; i++) errG += Math.abs(exact(g[i]).minus(ge[i]).toNumber());
        const bf = ev.f(x, fx);
        const bg = ev.grad1(x, g);
        expect(errF).toBeLessThanOrEqual(bf);
        expect(errG).toBeLessThanOrEqual(bg);
        worstF = Math.max(worstF, bf > 0 ? errF / bf : 0);
        worstG = Math.max(worstG, bg > 0 ? errG / bg : 0);
      }
      // The bounds are worst-case; the observed errors use a fraction of them.
      expect(worstF).toBeLessThanOrEqual(1);
      expect(worstG).toBeLessThanOrEqual(1);
    }, 60_000);
  }

  it('pointRoundingF bounds the change of f when a point is rounded', () => {
    const p = buildProblem({ family: 'separable-quadratic', params: { spectrum: 'power-law', alpha: 1, scale: 3, center: 'normal', seed: 1 } }, 6);
    const model = exactModel(p)!;
    // x_exact = x0 - eta s in decimal; x = its float64 rounding.
    const x0 = Float64Array.from([0.3, -1.7, 2.2, 0.01, -0.5, 9]);
    const eta = 0.1;
    const s = [1, -1, 1, 1, -1, -1];
    const xExact = Array.from(x0, (v, i) => exact(v).minus(exact(eta).times(s[i])));
    const x = Float64Array.from(x0, (v, i) => v - eta * s[i]);
    const L = Array.from(p.constants.Lvec!, exact);
    const c = Array.from(p.constants.xStar!, exact);
    const fExact = sum(xExact.map((xi, i) => L[i].times(xi.minus(c[i]).pow(2)))).div(2);
    const diff = Math.abs(model.f(x).minus(fExact).toNumber());
    const g = new Float64Array(6);
    p.grad(x, g);
    expect(diff).toBeLessThanOrEqual(pointRoundingF(p, x, g));
  });

  it('throws for a family without a model', () => {
    const p = { ...buildProblem({ family: 'separable-quadratic', params: {} }, 2), id: 'no-such-family' };
    expect(() => evaluationErrors(p)).toThrow(/no float64 evaluation-error model/);
  });
});
