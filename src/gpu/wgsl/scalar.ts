/** The scalar emitter: scalar ops of the general plan, one thread per replica. */
import { toWgsl } from '../../algorithms/expr.ts';
import type { PlannedScalar } from '../../engine/plan/lower.ts';
import type { NameRef } from '../../engine/plan/resolve.ts';
import { REDUCE_THREADS } from './kernel.ts';
import { exprOf } from './prelude.ts';
import { type ProgramInfo, wgslRead, reader } from './map.ts';

/** A scalar op: one thread per replica runs the assignments in order on its scalars. */
export function scalarKernel(entry: string, op: PlannedScalar, info: ProgramInfo, hyper: ReadonlySet<string>, scalars: ReadonlyArray<{ name: string }>, NS: number): string {
  const written = new Set(op.assign.map((a) => a.target));
  const scalar = (v: string): string => {
    if (scalars.some((s) => s.name === v)) return `s_${v}`;
    throw new Error(`unresolved scalar name ${v}`);
  };
  const read = (ref: NameRef) => wgslRead(ref, hyper, scalar, scalar);
  const loads = scalars.map((s, i) => `  var s_${s.name} = scal[r * ${NS}u + ${i}u];`);
  const body = op.assign.map((a) => `  s_${a.target} = ${toWgsl(exprOf(info.checked, a.source), reader(a.reads, read))};`);
  const stores = scalars.map((s, i) => (written.has(s.name) ? `  scal[r * ${NS}u + ${i}u] = s_${s.name};` : '')).filter(Boolean);
  return `@compute @workgroup_size(${REDUCE_THREADS})
fn ${entry}(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= ch.R || status[r].div >= 0) {
    return;
  }
${loads.join('\n')}
${body.join('\n')}
${stores.join('\n')}
}`;
}