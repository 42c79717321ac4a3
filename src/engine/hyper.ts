import { allHypers, HYPER_RULE_TEXT, satisfiesRule, type AlgorithmDef, type HyperSpec } from '../algorithms/program.ts';
import { schedule, type Schedule, type ScheduleContext } from '../algorithms/schedules.ts';
import { UserInputError } from '../core/errors.ts';

/** Resolved hyperparameters of one run: a schedule per name, validated. */
export interface ResolvedHyper {
  readonly specs: readonly HyperSpec[];
  readonly schedules: ReadonlyMap<string, Schedule>;
}

/**
 * Resolves user-given values against an algorithm's declared hyperparameters: unknown names and
 * missing required ones are user errors; values are compiled to schedules.
 */
export function resolveHyper(def: AlgorithmDef, given: Readonly<Record<string, number | string>>): ResolvedHyper {
  const specs = allHypers(def);
  const known = new Set(specs.map((s) => s.name));
  for (const k of Object.keys(given)) {
    if (!known.has(k)) throw new UserInputError(`${def.id}.${k}`, `is not a hyperparameter of ${def.id}; it takes ${[...known].join(', ')}`);
  }
  const schedules = new Map<string, Schedule>();
  for (const s of specs) {
    const v = given[s.name] ?? s.default;
    if (v === undefined) throw new UserInputError(`${def.id}.${s.name}`, `is required (${s.doc})`);
    schedules.set(s.name, schedule(`${def.id}.${s.name}`, v));
  }
  return { specs, schedules };
}

/**
 * Evaluates every hyperparameter at step t into `out`, checking each value against its rule:
 * "signum.beta must lie in (0, 1] (got 1.5 at t = 0)".
 */
export function evaluateHyper(def: AlgorithmDef, h: ResolvedHyper, ctx: ScheduleContext, out: Record<string, number>): void {
  for (const s of h.specs) {
    const v = h.schedules.get(s.name)!.at(ctx);
    if (!satisfiesRule(s.rule, v)) {
      throw new UserInputError(`${def.id}.${s.name}`, HYPER_RULE_TEXT[s.rule], `got ${v} at t = ${ctx.t} from "${h.schedules.get(s.name)!.expression}"`);
    }
    out[s.name] = v;
  }
}
