/**
 * Parsers of command-line flag values, one rule per flag. Where a flag has a config-file key of
 * the same meaning (replicas, seed), the flag is checked by that key's schema (src/theorems/config.ts),
 * so the two can never accept different values. Each parser throws a UserInputError naming the
 * flag and the rule (exit 2).
 */
import type * as z from 'zod';
import { UserInputError, shown } from '../core/errors.ts';
import { MAX_REPLICAS, theoremOverrideSchema } from '../theorems/config.ts';

/** A flag whose number is validated by a zod schema (the config key's own). */
function schemaNumber(flag: string, schema: z.ZodType<number | undefined>, rule: string) {
  return (v: string): number => {
    const n = v.trim() === '' ? Number.NaN : Number(v);
    const r = schema.safeParse(n);
    if (!r.success || r.data === undefined) throw new UserInputError(flag, rule, `got ${shown(v)}${r.success ? '' : `: ${r.error.issues[0].message.replace(/^Invalid input: /, '')}`}`);
    return r.data;
  };
}

/** `--replicas n`: the config key `replicas`' rule (an integer in [2, MAX_REPLICAS]). */
export const replicasFlag = schemaNumber('--replicas', theoremOverrideSchema.shape.replicas, `must be an integer in [2, ${MAX_REPLICAS}]`);

/** `--seed s`: the config key `seed`'s rule (a u32, 0 <= s <= 4294967295). */
export const seedFlag = schemaNumber('--seed', theoremOverrideSchema.shape.seed, 'must be a u32, an integer in [0, 4294967295]');

/** An integer flag >= min (`--runs`, `--processes`). */
export function integerFlag(flag: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = v.trim() === '' ? Number.NaN : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new UserInputError(flag, `must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}`, `got ${shown(v)}`);
    return n;
  };
}

/**
 * `--only a,b,c`: a comma-separated list of ids, each non-empty after trimming, none repeated.
 * Returns the trimmed ids (the registry then checks that each exists).
 */
export function idListFlag(flag: string) {
  return (v: string): string[] => {
    const ids = v.split(',').map((s) => s.trim());
    if (ids.every((s) => s === '')) throw new UserInputError(flag, 'must name at least one id', `got ${shown(v)}`);
    ids.forEach((id, i) => {
      if (id === '') throw new UserInputError(flag, 'must not contain an empty id (two commas, or a comma at an end)', `got ${shown(v)}`);
      const first = ids.indexOf(id);
      if (first !== i) throw new UserInputError(flag, 'must not repeat an id', `${shown(id)} is given twice`);
    });
    return ids;
  };
}
