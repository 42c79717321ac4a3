/** The oracle emitter: a second stochastic gradient with this step's draws (src/gpu/wgsl). */
import { GRID_PROLOGUE, GRID_SIGNATURE } from './prelude.ts';

/**
 * The kernel of an oracle op in the general plan: `into` <- `gradient`, a WGSL expression of the
 * stochastic gradient with the step's noise (the same Philox counters as g). With `at`, the point
 * is loaded as `pa` and the problem's data as `pr` first (separable quadratics); without, the
 * expression reads what a gradient pass wrote.
 */
export function oracleKernel(entry: string, wx: number, wy: number, into: string, gradient: string, at?: string): string {
  const load = at === undefined ? '' : `    let pr = prob[q];\n    let pa = vec_${at}[idx];\n`;
  return `${GRID_SIGNATURE(entry, wx, wy)}
${GRID_PROLOGUE}
  if (inRange && status[r].div < 0) {
${load}    vec_${into}[idx] = ${gradient};
  }
}`;
}
