/** The map emitter: statements of map ops on the four coordinates of a quad, names as the plan resolved them. */
import { toWgsl } from '../../algorithms/expr.ts';
import type { AlgorithmDef, CheckedProgram } from '../../algorithms/program.ts';
import { lowerProgram, type PlannedMap, type Reads, type StepPlan } from '../../engine/plan/lower.ts';
import type { NameRef } from '../../engine/plan/resolve.ts';
import { Purpose } from '../../rng/streams.ts';
import { exprOf } from './prelude.ts';

const COMPONENTS = ['x', 'y', 'z', 'w'] as const;
const BUILTINS: Record<string, string> = { t: 'f32(rec.t)', first: 'rec.first', T: 'rec.T', d: 'rec.d', n: 'rec.n' };

/** A step program lowered for the WGSL plans: the plan (src/engine/plan) and the vectors it touches. */
export interface ProgramInfo {
  readonly plan: StepPlan;
  readonly checked: CheckedProgram;
  /** Declared vectors the ops touch (read, write, oracle at/into, output). */
  readonly used: ReadonlySet<string>;
  readonly written: ReadonlySet<string>;
}

/** Lowers an algorithm's program for the WGSL plans (checkProgram's errors). */
export function programInfo(def: AlgorithmDef): ProgramInfo {
  const plan = lowerProgram(def.id, def.program);
  return { plan, checked: plan.checked, used: plan.usedVectors, written: plan.writtenVectors };
}

/**
 * The WGSL that reads a name as the plan resolved it (src/engine/plan/resolve.ts): locals `l_<name>`,
 * vectors through `vector`, declared scalars through `scalar`, builtins from the step record (fx, a
 * per-replica value, through `scalar`), hyperparameters `rec.p_<name>` (others through `scalar`,
 * which throws for names it does not hold).
 */
export function wgslRead(ref: NameRef, hyper: ReadonlySet<string>, vector: (name: string) => string, scalar: (name: string) => string): string {
  switch (ref.kind) {
    case 'local':
      return `l_${ref.name}`;
    case 'vector':
      return vector(ref.name);
    case 'scalar':
      return scalar(ref.name);
    case 'builtin':
      return Object.hasOwn(BUILTINS, ref.name) ? BUILTINS[ref.name] : scalar(ref.name);
    case 'hyper':
      return hyper.has(ref.name) ? `rec.p_${ref.name}` : scalar(ref.name);
  }
}

/** A name reader for one resolved expression (throws on a name the plan did not resolve). */
export function reader(reads: Reads, read: (ref: NameRef) => string): (name: string) => string {
  return (name) => {
    const ref = reads.get(name);
    if (!ref) throw new Error(`unresolved name ${name}`);
    return read(ref);
  };
}

/**
 * Emits map ops scalarised over the four coordinates of a quad. `scalar(name)` is how a scalar
 * reads (a literal in the fused plan, a per-replica value in the general plan). Row reductions
 * accumulate into `red_<k>` (f32, declared by the caller) with the identity outside 0..d-1.
 */
export function emitMaps(
  ops: readonly PlannedMap[],
  info: ProgramInfo,
  hyper: ReadonlySet<string>,
  scalar: (name: string) => string,
  reductionVar: (opIndex: number, k: number) => string,
  lane = '0u',
): string[] {
  const { checked } = info;
  const lines: string[] = [];
  for (const c of COMPONENTS) {
    const ci = COMPONENTS.indexOf(c);
    lines.push(`    { // coordinate 4q + ${ci}`);
    for (const op of ops) {
      const index = op.index;
      lines.push(`      { // op ${index}`);
      if (op.random) lines.push(`        sc_rw = philox4x32_10(vec4<u32>(qg * 4u + ${ci}u, rec.t, ${lane}, r), vec2<u32>(ch.seed, ${(Purpose.compress + index) >>> 0}u));`);
      const read = (ref: NameRef) => wgslRead(ref, hyper, (v) => `v_${v}.${c}`, scalar);
      for (const a of op.assign) {
        const rhs = toWgsl(exprOf(checked, a.source), reader(a.reads, read));
        if (a.into.kind === 'vector') lines.push(`        v_${a.target}.${c} = ${rhs};`);
        else if (!a.into.declares) lines.push(`        l_${a.target} = ${rhs};`);
        else lines.push(`        var l_${a.target}: f32 = ${rhs};`);
      }
      op.reduce.forEach((r, k) => {
        const acc = reductionVar(index, k);
        const rhs = toWgsl(exprOf(checked, r.source), reader(r.reads, read));
        lines.push(
          r.kind === 'sum'
            ? `        ${acc} = ${acc} + select(0.0, ${rhs}, valid.${c});`
            : `        ${acc} = sc_maxnan(${acc}, select(sc_neg_inf(), ${rhs}, valid.${c}));`,
        );
      });
      lines.push('      }');
    }
    lines.push('    }');
  }
  return lines;
}