/** The pack emitter: sign messages as 1-bit words (the distributed plan). */
import type { Scope } from '../../algorithms/program.ts';
import type { DistMessage } from './kernel.ts';
import { WORD_PROLOGUE } from './prelude.ts';

/**
 * Encodes one message row (a worker's up message or the server's down message) word by word, as
 * encodeSigns in src/engine/bits.ts: bit i of the sign plane = entry is +1 (or +scale), of the
 * nonzero plane = entry is nonzero; padding bits 0. Sets flag bit 1 when a valid coordinate is 0
 * (the ternary format) and bit 2 for an entry that is not a sign (not 0 or +-scale). With `decode`,
 * writes the decoded values back (scale times +1, -1 or 0): what the receivers apply.
 */
export function packKernel(entry: string, m: DistMessage, vecPlane: number, scope: Scope, N: number, scale: ((row: string) => string) | null, decode: boolean): string {
  const rows = m.rowsExpr;
  const at = scope === 'worker' ? `wv[${vecPlane}u * (ch.rows * ch.nw * ch.quads) + (rl * ch.nw + j) * ch.quads + qq]` : `sv[${vecPlane}u * (ch.rows * ch.quads) + rl * ch.quads + qq]`;
  return `@compute @workgroup_size(64, 1)
fn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
${WORD_PROLOGUE(scope, N)}
  let sc = ${scale ? scale(`r * ${rows} + j`) : '1.0'};
  var sw = 0u;
  var zw = 0u;
  var zeros = false;
  var bad = false;
  for (var k = 0u; k < 8u; k = k + 1u) {
    let qq = wl * 8u + k;
    if (qq < ch.quads) {
      let v4 = ${at};
      for (var c = 0u; c < 4u; c = c + 1u) {
        let b = 4u * k + c;
        if (w * 32u + b < ch.D) {
          let v = v4[c];
          if (v == 0.0) {
            zeros = true;
          } else if (v == sc) {
            sw = sw | (1u << b);
            zw = zw | (1u << b);
          } else if (v == -sc) {
            zw = zw | (1u << b);
          } else {
            bad = true;
          }
        }
      }
    }
  }
  let base = (${m.offsetExpr} * ch.R + r * ${rows} + j) * 2u * W;
  pk[base + w] = sw;
  pk[base + W + w] = zw;
  let flag = select(0u, 1u, zeros) | select(0u, 2u, bad);
  if (flag != 0u) {
    atomicOr(&dm[${m.offsetExpr} * ch.R + r * ${rows} + j], flag);
  }
${
  decode
    ? `  for (var k = 0u; k < 8u; k = k + 1u) {
    let qq = wl * 8u + k;
    if (qq < ch.quads) {
      var v4 = vec4<f32>(0.0);
      for (var c = 0u; c < 4u; c = c + 1u) {
        let b = 4u * k + c;
        if (((zw >> b) & 1u) != 0u) {
          v4[c] = select(-sc, sc, ((sw >> b) & 1u) != 0u);
        }
      }
      ${at} = v4;
    }
  }`
    : ''
}
}`;
}