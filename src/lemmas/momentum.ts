import fc from 'fast-check';
import { createNoise } from '../noise/index.ts';
import type { NoiseModel } from '../noise/types.ts';
import type { Problem } from '../problems/types.ts';
import { buildProblem, coord, coordArb, coordsArb, familyDomain, pointOf, problemSpecArb, specDim, type Coord, type Needs, type ProblemSpec } from './domains.ts';
import { signumTrace, type SignumTrace } from './signum-trace.ts';

/** Noise models the momentum lemmas draw (unit scale; variance from absMoment(2)). */
export const MOMENTUM_NOISES = ['none', 'gaussian', 'rademacher', 'student-t', 'bimodal'] as const;
export type MomentumNoise = (typeof MOMENTUM_NOISES)[number];

/** Parameters of the noise models above (Student-t with nu = 5 has finite variance 5/3). */
const NOISE_PARAMS: Record<Exclude<MomentumNoise, 'none'>, Record<string, number>> = {
  gaussian: {},
  rademacher: {},
  'student-t': { nu: 5 },
  bimodal: {},
};

/**
 * A Signum run on a problem instance (P1 Alg. 1): x_1 = x* + s z, eta = min(10^k s, cap / (T + 1))
 * (cap: the family's overflow guard), momentum beta, T steps, additive noise sigma_i xi with
 * sigma_i = 10^sigmaExp (|w_i| when perCoordinate), from the Philox stream of `seed`.
 */
export interface MomentumInstance {
  readonly problem: ProblemSpec;
  readonly e: number;
  readonly step: number;
  readonly beta: number;
  readonly T: number;
  readonly noise: MomentumNoise;
  readonly sigmaExp: number;
  readonly perCoordinate: boolean;
  readonly seed: number;
  readonly coords: Coord[];
}

/** beta in (0, 1]: 1 (no momentum), a few round values, and any double in [1e-4, 1]. */
export const betaArb: fc.Arbitrary<number> = fc.oneof(
  fc.constant(1),
  fc.constantFrom(0.9, 0.5, 0.1, 0.01, 0.001),
  fc.double({ min: 1e-4, max: 1, noNaN: true }),
);

export function momentumArb(needs: readonly Needs[], options: { maxT: number; maxD: number; minT?: number }): fc.Arbitrary<MomentumInstance> {
  return fc.record({
    problem: problemSpecArb(needs),
    e: fc.integer({ min: -4, max: 4 }),
    step: fc.integer({ min: -6, max: 0 }),
    beta: betaArb,
    T: fc.integer({ min: options.minT ?? 1, max: options.maxT }),
    noise: fc.constantFrom(...MOMENTUM_NOISES),
    sigmaExp: fc.integer({ min: -6, max: 3 }),
    perCoordinate: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    coords: coordsArb(coordArb, options.maxD),
  });
}

/** The built run of an instance. */
export interface MomentumSetup {
  readonly p: Problem;
  readonly d: number;
  readonly x1: Float64Array;
  readonly eta: number;
  readonly model: NoiseModel | null;
  readonly sigma: Float64Array;
  /** sigma_i sqrt(E xi^2): the per-coordinate noise standard deviations of P1 Asm. 3. */
  readonly std: Float64Array;
}

export function momentumSetup(inst: MomentumInstance): MomentumSetup {
  const d = specDim(inst.problem, inst.coords.length);
  const p = buildProblem(inst.problem, d);
  const x1 = pointOf(p, inst.problem, inst.coords, inst.e);
  const fam = familyDomain(inst.problem);
  const s = Math.min(10 ** inst.e, fam.coordCap(inst.problem));
  const eta = Math.min(10 ** inst.step * s, fam.coordCap(inst.problem) / (inst.T + 1));
  const model = inst.noise === 'none' ? null : createNoise(inst.noise, NOISE_PARAMS[inst.noise]);
  const sigma = new Float64Array(d);
  for (let i = 0; i < d; i++) sigma[i] = model ? 10 ** inst.sigmaExp * (inst.perCoordinate ? Math.abs(coord(inst.coords, i).w) : 1) : 0;
  const rms = model ? Math.sqrt(model.absMoment(2)) : 0;
  const std = sigma.map((v) => v * rms);
  return { p, d, x1, eta, model, sigma, std };
}

/** Runs replica r of the instance's Signum run. */
export function momentumTrace(inst: MomentumInstance, setup: MomentumSetup, replica: number, T = inst.T): SignumTrace {
  return signumTrace({
    problem: setup.p,
    x1: setup.x1,
    beta: inst.beta,
    eta: setup.eta,
    T,
    noise: setup.model ? { model: setup.model, sigma: setup.sigma } : null,
    seed: inst.seed >>> 0,
    replica,
  });
}
