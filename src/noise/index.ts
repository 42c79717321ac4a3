/**
 * Noise models (src/noise): the registry of unit-scale coordinate noise laws and the sampler that
 * draws them from the shared Philox stream (src/rng/streams.ts), identically addressed on every
 * engine.
 */
import { UserInputError, shown } from '../core/errors.ts';
import { Registry, type Registered } from '../core/registry.ts';
import { philox4x32 } from '../rng/philox.ts';
import { Purpose, normals4 } from '../rng/streams.ts';
import { BimodalNoise } from './bimodal.ts';
import { CentredParetoNoise } from './centred-pareto.ts';
import { GaussianNoise } from './gaussian.ts';
import { SymmetricParetoNoise } from './pareto.ts';
import { RademacherNoise } from './rademacher.ts';
import type { NoiseSpec } from './sparse.ts';
import { SymmetricStableNoise } from './stable.ts';
import { StudentTNoise } from './student-t.ts';
import type { NoiseModel } from './types.ts';

export type { NoiseModel } from './types.ts';
export { GaussianNoise, gaussianAbsMoment } from './gaussian.ts';
export { StudentTNoise } from './student-t.ts';
export { SymmetricStableNoise, stableAbsMomentFormula } from './stable.ts';
export { SymmetricParetoNoise } from './pareto.ts';
export { RademacherNoise } from './rademacher.ts';
export { BimodalNoise, bimodalMixtureIsBimodal } from './bimodal.ts';
export { CentredParetoNoise } from './centred-pareto.ts';
export { type NoiseSpec, validateSigma, sparseSigma, firstCoords } from './sparse.ts';
export { kappaSigma, kappaSigmaVector, momentExists, requireKappa } from './moments.ts';

/** One parameter of a noise family: its name, meaning, the rule it must satisfy, and its default. */
export interface NoiseParamSpec {
  readonly name: string;
  readonly description: string;
  readonly rule: string;
  readonly default: number;
}

/**
 * A noise family: a named constructor of unit-scale {@link NoiseModel}s. `create` fills missing
 * parameters with their defaults and throws UserInputError for unknown names or values that break
 * a parameter's rule.
 */
export interface NoiseFamily extends Registered {
  readonly id: string;
  readonly summary: string;
  readonly params: readonly NoiseParamSpec[];
  /** One line per parameter: "name: description; rule (default x)". */
  readonly paramDescription: string;
  create(params?: Readonly<Record<string, number>>): NoiseModel;
}

function family(
  id: string,
  summary: string,
  params: NoiseParamSpec[],
  build: (p: Record<string, number>) => NoiseModel,
): NoiseFamily {
  const names = params.map((p) => p.name);
  return {
    id,
    summary,
    params,
    paramDescription: params.length
      ? params.map((p) => `${p.name}: ${p.description}; ${p.rule} (default ${p.default})`).join('\n')
      : '(no parameters)',
    create(given: Readonly<Record<string, number>> = {}): NoiseModel {
      const values: Record<string, number> = {};
      for (const key of Object.keys(given)) {
        if (!names.includes(key)) {
          throw new UserInputError(
            `${id} parameter`,
            names.length ? `must be one of: ${names.join(', ')}` : 'none accepted (this model has no parameters)',
            `got ${shown(key)}`,
          );
        }
      }
      for (const p of params) {
        const v = given[p.name] ?? p.default;
        if (typeof v !== 'number') throw new UserInputError(p.name, 'must be a number', `got ${shown(v)}`);
        values[p.name] = v;
      }
      return build(values);
    },
  };
}

/** Every noise family, by id: gaussian, student-t, stable, pareto, rademacher, bimodal, centred-pareto. */
export const noiseModels = new Registry<NoiseFamily>('noise');

noiseModels.register(
  family('gaussian', 'standard normal N(0, 1): symmetric, unimodal, all moments', [], () => new GaussianNoise()),
);
noiseModels.register(
  family(
    'student-t',
    "Student's t at unit t scale (variance nu/(nu-2)): heavy tails, moments of order < nu",
    [{ name: 'nu', description: 'degrees of freedom', rule: 'finite, > 1', default: 3 }],
    (p) => new StudentTNoise(p.nu),
  ),
);
noiseModels.register(
  family(
    'stable',
    'symmetric alpha-stable, characteristic function exp(-|scale t|^alpha) (Chambers-Mallows-Stuck)',
    [
      { name: 'alpha', description: 'stability index (alpha = 2: N(0, 2 scale^2))', rule: 'in (1, 2]', default: 1.5 },
      { name: 'scale', description: 'c in exp(-|c t|^alpha)', rule: 'finite, > 0', default: 1 },
    ],
    (p) => new SymmetricStableNoise(p.alpha, p.scale),
  ),
);
noiseModels.register(
  family(
    'pareto',
    'symmetric Pareto: random sign times a Pareto(alpha, xm) magnitude; bimodal, moments of order < alpha',
    [
      { name: 'alpha', description: 'tail index P(|X| > x) = (xm/x)^alpha', rule: 'finite, > 1', default: 3 },
      { name: 'xm', description: 'smallest magnitude', rule: 'finite, > 0', default: 1 },
    ],
    (p) => new SymmetricParetoNoise(p.alpha, p.xm),
  ),
);
noiseModels.register(
  family('rademacher', 'Rademacher +-1: symmetric, bounded by 1, not unimodal', [], () => new RademacherNoise()),
);
noiseModels.register(
  family(
    'bimodal',
    'mean-zero asymmetric two-bump mixture p N((1-p) gap, w^2) + (1-p) N(-p gap, w^2): median != mean',
    [
      { name: 'p', description: 'probability of the bump at +(1-p) gap', rule: 'in (0, 1)', default: 0.8 },
      { name: 'gap', description: 'distance between the bump centres', rule: 'finite, > 0', default: 1 },
      { name: 'width', description: 'standard deviation of each bump', rule: 'finite, > 0', default: 0.05 },
    ],
    (p) => new BimodalNoise(p.p, p.gap, p.width),
  ),
);
noiseModels.register(
  family(
    'centred-pareto',
    'Pareto(alpha, xm) minus its mean: mean 0, right-skewed (median < 0), unimodal, moments of order < alpha',
    [
      { name: 'alpha', description: 'tail index P(P > x) = (xm/x)^alpha', rule: 'finite, > 1', default: 1.5 },
      { name: 'xm', description: 'Pareto scale (smallest value of P)', rule: 'finite, > 0', default: 1 },
    ],
    (p) => new CentredParetoNoise(p.alpha, p.xm),
  ),
);

/** Builds a unit-scale noise model from its registry id and parameters (defaults fill the rest). */
export function createNoise(id: string, params: Readonly<Record<string, number>> = {}): NoiseModel {
  return noiseModels.get(id).create(params);
}

// Scratch buffers of the hot path (single-threaded JS: no reentrancy between calls).
const WORDS = new Uint32Array(4);
const TAIL = new Float64Array(4);

function requireU32(parameter: string, v: number): void {
  if ((v >>> 0) !== v) throw new UserInputError(parameter, 'must be an integer in [0, 2^32)', `got ${shown(v)}`);
}

/**
 * Fills `out` (length d) with unit-scale samples xi_0..xi_{d-1} of `model` for one
 * (step, lane, replica), drawn from the Philox stream with key (seed, Purpose.noise):
 * coordinate i uses the words of counter (floor(i / s), step, lane, replica), s = samplesPerCall,
 * and is slot i mod s of `model.fromWords` on them (src/rng/streams.ts). The lane is
 * laneWord(worker, batchIndex). No allocation per call; Gaussian models take a direct
 * Box-Muller path (same numbers as fillNormals(seed, Purpose.noise, ...)).
 */
export function sampleNoise(
  model: NoiseModel,
  seed: number,
  step: number,
  lane: number,
  replica: number,
  out: Float64Array,
): void {
  requireU32('seed', seed);
  requireU32('step', step);
  requireU32('lane', lane);
  requireU32('replica', replica);
  const d = out.length;
  const s = model.samplesPerCall;
  const full = Math.floor(d / s);
  const key1 = Purpose.noise;
  if (model instanceof GaussianNoise) {
    for (let b = 0; b < full; b++) {
      philox4x32(b, step, lane, replica, seed, key1, WORDS, 0);
      normals4(WORDS, out, 4 * b);
    }
  } else {
    for (let b = 0; b < full; b++) {
      philox4x32(b, step, lane, replica, seed, key1, WORDS, 0);
      model.fromWords(WORDS, out, b * s);
    }
  }
  const done = full * s;
  if (done < d) {
    philox4x32(full, step, lane, replica, seed, key1, WORDS, 0);
    model.fromWords(WORDS, TAIL, 0);
    for (let k = 0; done + k < d; k++) out[done + k] = TAIL[k];
  }
}

/**
 * Fills `out` with sigma_i xi_i, the scaled noise of a {@link NoiseSpec} (see {@link sampleNoise}
 * for the addressing). sigma is not re-validated here: validate it once with validateSigma.
 */
export function sampleScaledNoise(
  spec: NoiseSpec,
  seed: number,
  step: number,
  lane: number,
  replica: number,
  out: Float64Array,
): void {
  sampleNoise(spec.model, seed, step, lane, replica, out);
  const sigma = spec.sigma;
  const d = out.length;
  if (typeof sigma === 'number') {
    if (sigma === 0) out.fill(0); // not 0 * xi, which is -0 for negative xi
    else for (let i = 0; i < d; i++) out[i] *= sigma;
  } else {
    if (sigma.length !== d) throw new UserInputError('sigma', `must have length d = ${d}`, `got length ${sigma.length}`);
    for (let i = 0; i < d; i++) out[i] = sigma[i] === 0 ? 0 : sigma[i] * out[i];
  }
}
