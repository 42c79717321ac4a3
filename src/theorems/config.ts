import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { UserInputError, shown } from '../core/errors.ts';
import type { SweepCell } from './types.ts';

/** Most replicas per cell a flag or config may ask for (the state is replicas x d x n numbers). */
export const MAX_REPLICAS = 10_000;
/** Longest schedule expression a config may give (longer ones exhaust the expression parser's stack). */
export const MAX_EXPRESSION_CHARS = 1000;

const hyperValue = z.union([z.number().refine(Number.isFinite, 'must be finite'), z.string().min(1).max(MAX_EXPRESSION_CHARS)]);

/** Overrides of one declared sweep. Every field is optional; unknown keys are errors. */
export const theoremOverrideSchema = z.strictObject({
  /** Replicas per cell (>= 2: the bootstrap needs at least two). */
  replicas: z.number().int().min(2).max(MAX_REPLICAS).optional(),
  /** Base seed (u32). */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  /** Keep only the cells with these values (each must be in the declared grid). */
  T: z.array(z.number().int().min(1)).min(1).optional(),
  d: z.array(z.number().int().min(1)).min(1).optional(),
  n: z.array(z.number().int().min(1)).min(1).optional(),
  /** Hyperparameter values or schedule expressions, merged into every cell's. */
  hyper: z.record(z.string(), hyperValue).optional(),
  /** Noise scale for every cell (a number). */
  sigma: z.number().min(0).refine(Number.isFinite, 'must be finite').optional(),
});
export type TheoremOverride = z.infer<typeof theoremOverrideSchema>;

/** A sweep configuration file (JSON or YAML). */
export const sweepConfigSchema = z.strictObject({
  profile: z.enum(['quick', 'full']).optional(),
  engine: z.enum(['auto', 'cpu', 'webgpu']).optional(),
  only: z.array(z.string().min(1)).optional(),
  theorems: z.record(z.string(), theoremOverrideSchema).optional(),
});
export type SweepConfig = z.infer<typeof sweepConfigSchema>;

function pathOf(p: readonly PropertyKey[]): string {
  return p.length ? p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').slice(p.length && typeof p[0] === 'number' ? 0 : 1) : '(top level)';
}

/**
 * Parses and validates a sweep configuration; errors name the offending key's path and the rule,
 * e.g. "config theorems.signum-separable.replicas: Too small: expected number to be >=2".
 * `knownTheorems` rejects overrides of theorems that do not exist.
 */
export function parseSweepConfig(text: string, file: string, knownTheorems: readonly string[]): SweepConfig {
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { logLevel: 'error' });
  } catch (err) {
    throw new UserInputError(`config ${file}`, 'must be valid JSON or YAML', (err as Error).message.split('\n')[0]);
  }
  const res = sweepConfigSchema.safeParse(raw ?? {});
  if (!res.success) {
    const issue = res.error.issues[0];
    const where = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
    throw new UserInputError(`config ${file}: ${pathOf(where)}`, issue.message);
  }
  const known = new Set(knownTheorems);
  for (const id of Object.keys(res.data.theorems ?? {})) {
    if (!known.has(id)) throw new UserInputError(`config ${file}: theorems.${id}`, `is not a theorem; known: ${knownTheorems.join(', ')}`);
  }
  const only = res.data.only ?? [];
  only.forEach((id, i) => {
    if (!known.has(id)) throw new UserInputError(`config ${file}: only[${i}]`, `is not a theorem; known: ${knownTheorems.join(', ')}`, `got ${shown(id)}`);
    if (only.indexOf(id) !== i) throw new UserInputError(`config ${file}: only[${i}]`, 'must not repeat a theorem id', `${shown(id)} is also only[${only.indexOf(id)}]`);
  });
  return res.data;
}

/** Reads a config file (JSON if it ends in .json, YAML otherwise). */
export function loadSweepConfig(file: string, knownTheorems: readonly string[]): SweepConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserInputError('--config', 'must name a readable file', `${file}: ${(err as Error).message}`);
  }
  return parseSweepConfig(text, file, knownTheorems);
}

/**
 * Applies a theorem's overrides to its declared cells. Grid filters must name declared values
 * (the sweep's design, e.g. its observability range, is the theorem's; a config can only choose
 * within it or change replicas, seed, hyperparameters and noise scale).
 */
export function applyOverride(theoremId: string, cells: SweepCell[], o: TheoremOverride | undefined): SweepCell[] {
  if (!o) return cells;
  if (o.sigma !== undefined && cells.every((c) => !c.recipe.noise)) {
    throw new UserInputError(`config theorems.${theoremId}.sigma`, 'needs a sweep with noise (this one runs exact gradients: there is no noise scale to change)', `got ${o.sigma}`);
  }
  let out = cells;
  for (const v of ['T', 'd', 'n'] as const) {
    const want = o[v];
    if (!want) continue;
    const valueOf = (c: SweepCell) => (v === 'T' ? c.recipe.T : v === 'n' ? c.recipe.workers : Number(c.recipe.problem.params.d));
    const declared = new Set(cells.map(valueOf));
    for (const x of want) {
      if (!declared.has(x)) throw new UserInputError(`config theorems.${theoremId}.${v}`, `values must be in the declared grid {${[...declared].sort((a, b) => a - b).join(', ')}}`, `got ${x}`);
    }
    out = out.filter((c) => want.includes(valueOf(c)));
  }
  return out.map((c) => ({
    ...c,
    recipe: {
      ...c.recipe,
      ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.hyper ? { hyper: { ...c.recipe.hyper, ...o.hyper } } : {}),
      ...(o.sigma !== undefined && c.recipe.noise ? { noise: { ...c.recipe.noise, sigma: o.sigma } } : {}),
    },
  }));
}

/**
 * What an override changes about the run itself (hyperparameters, noise scale, seed), in words, or
 * null when it only filters the grid or changes replicas: the theorem's verdict is then about a
 * modified run, judged against the declared bound and constants, and the report says so.
 */
export function overrideModification(o: TheoremOverride | undefined): string | null {
  if (!o) return null;
  const parts = [
    ...Object.entries(o.hyper ?? {}).map(([k, v]) => `hyper ${k} = ${v}`),
    ...(o.sigma !== undefined ? [`sigma = ${o.sigma}`] : []),
    ...(o.seed !== undefined ? [`seed = ${o.seed}`] : []),
  ];
  return parts.length ? parts.join(', ') : null;
}
