import { normals4 } from '../rng/streams.ts';
import type { NoiseModel } from '../noise/types.ts';
import type { Problem } from '../problems/types.ts';

/**
 * Minimal fixtures for engine tests that must not depend on the full problem and noise
 * libraries: a diagonal quadratic f(x) = 1/2 sum_i L_i (x_i - c_i)^2 and the standard normal.
 */
export function diagQuadratic(L: number[], c: number[], x0: number[]): Problem {
  const Lv = Float64Array.from(L);
  const cv = Float64Array.from(c);
  const d = L.length;
  const grad = (x: Float64Array, out: Float64Array) => {
    for (let i = 0; i < d; i++) out[i] = Lv[i] * (x[i] - cv[i]);
  };
  return {
    id: 'fixture-quadratic',
    name: 'fixture quadratic',
    summary: 'test fixture',
    d,
    workers: 1,
    params: {},
    constants: { Lvec: Lv, L: L.reduce((a, b) => Math.max(a, b), 0), Linf: L.reduce((a, b) => a + b, 0), convex: true, fStar: 0, xStar: cv },
    f: (x) => {
      let s = 0;
      for (let i = 0; i < d; i++) s += 0.5 * Lv[i] * (x[i] - cv[i]) ** 2;
      return s;
    },
    grad,
    gradWorker: (x, _j, out) => grad(x, out),
    x0: () => Float64Array.from(x0),
    separableQuadratic: { diag: Lv, center: cv },
  };
}

/** Standard normal noise through Box-Muller (the same transform as the library's Gaussian). */
export const fixtureGaussian: NoiseModel = {
  id: 'fixture-gaussian',
  name: 'N(0,1)',
  summary: 'test fixture',
  params: {},
  samplesPerCall: 4,
  fromWords: normals4,
  mean: 0,
  median: 0,
  absMoment: (k) => (2 ** (k / 2) * gammaHalfInteger(k + 1)) / Math.sqrt(Math.PI),
  momentLimit: Infinity,
  symmetric: true,
  unimodal: true,
  bound: Infinity,
};

function gammaHalfInteger(k: number): number {
  // Gamma((k)/2) for k = 2 (kappa = 1) and k = 3 (kappa = 2) only, enough for the fixture.
  if (k === 2) return 1;
  if (k === 3) return Math.sqrt(Math.PI) / 2;
  throw new Error('fixture moment only for kappa in {1, 2}');
}
