/** The reduction emitters: workgroup trees, finishing kernels per row, and the metric reduction kernel. */
import type { Scope } from '../../algorithms/program.ts';
import { RECORD_HEADER, REDUCE_THREADS, type DistPlan, DIST_SLOT_HEAD, DIST_SLOT_GUARD, DIST_ACC_HEAD, DIST_ACC_GUARD, DIST_NONE } from './kernel.ts';
import { recordStruct, STATUS_STRUCT } from './prelude.ts';

/** Workgroup tree over x of red[] (vec4), then thread x = 0 writes the metric partial (and w via `w`). */
export function metricTree(writeW: string | null): string {
  return `  red[li] = acc;
  for (var s = WX / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid.x < s) {
      red[li] = red[li] + red[li + s];
    }
  }
  if (lid.x == 0u && rl < ch.rows) {
    partials[(rec.slot * ch.R + r) * ch.nwg + ch.wgx0 + wid.x] = red[li];
${writeW ? `    ${writeW}\n` : ''}  }`;
}


/**
 * WGSL block finishing one reduction slot in a workgroup of REDUCE_THREADS: combines the row's
 * per-workgroup partials `rpart[partialRow * ch.nwg + i]` (sum, or max with NaN kept), then runs
 * `store` with the result in `v` unless the replica has diverged.
 */
function finishSlotWgsl(kind: 'sum' | 'max', store: string, partialRow: string): string {
  const id = kind === 'sum' ? '0.0' : 'sc_neg_inf()';
  const comb = (a: string, b: string) => (kind === 'sum' ? `${a} + ${b}` : `sc_maxnan(${a}, ${b})`);
  return `  {
    var v: f32 = ${id};
    for (var i = lid.x; i < ch.nwg; i = i + ${REDUCE_THREADS}u) {
      v = ${comb('v', `rpart[${partialRow} * ch.nwg + i]`)};
    }
    redr[lid.x] = v;
    for (var h = ${REDUCE_THREADS / 2}u; h > 0u; h = h >> 1u) {
      workgroupBarrier();
      if (lid.x < h) {
        redr[lid.x] = ${comb('redr[lid.x]', 'redr[lid.x + h]')};
      }
    }
    if (lid.x == 0u && status[r].div < 0) {
      let v = redr[0];
      ${store}
    }
    workgroupBarrier();
  }`;
}

/** Per-replica finishing of reduction slots (one workgroup of 64 per replica): v -> `store`. */
export function replicaGroupKernel(entry: string, items: ReadonlyArray<{ slot: number; kind: 'sum' | 'max'; store: string }>): string {
  const parts = items.map(({ slot, kind, store }) => {
    return finishSlotWgsl(kind, store, `(${slot}u * ch.R + r)`);
  });
  return `@compute @workgroup_size(${REDUCE_THREADS})
fn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let r = wid.y * 65535u + wid.x;
  if (r >= ch.R) {
    return;
  }
${parts.join('\n')}
}`;
}

/**
 * The reduction kernel (see the module comment). Bindings: 0 record of the group's last step
 * (dynamic offset), 1 all records as raw words, 2 Run uniform {R, nwg, T, record stride in words, zero},
 * 3 partials, 4 status, 5 tau, 6 curve (checkpoint-major: curve[cp * R + r] = (f - f(c), g1, g2, 0)).
 */
export function generateReduceKernel(hyperNames: readonly string[], dist: Pick<DistPlan, 'messageRows' | 'slotWords' | 'accWords' | 'guards'> | null = null): string {
  const idx = (f: (typeof RECORD_HEADER)[number]) => RECORD_HEADER.indexOf(f);
  // distributed plan: merge the step's message record into the replica's accumulators
  const merge = dist
    ? `            let o = ${dist.messageRows}u * run.R + (slot * run.R + r) * ${dist.slotWords}u;
            let a = r * ${dist.accWords}u;
            for (var h = 0u; h < 2u; h = h + 1u) {
              let lo = dacc[a + h] + dm[o + h];
              if (lo < dm[o + h]) {
                dacc[a + 4u + h] = dacc[a + 4u + h] + 1u;
              }
              dacc[a + h] = lo;
            }
            if (dm[o + 2u] != 0u && dacc[a + 2u] == ${DIST_NONE}u) {
              dacc[a + 2u] = t;
              dacc[a + 3u] = dm[o + 2u];
            }
${dist.guards
  .map((_, k) => {
    const g = `o + ${DIST_SLOT_HEAD + DIST_SLOT_GUARD * k}u`;
    const ga = `a + ${DIST_ACC_HEAD + DIST_ACC_GUARD * k}u`;
    return `            if (dm[${g}] != ${DIST_NONE}u && dacc[${ga}] == ${DIST_NONE}u) {
              dacc[${ga}] = t;
              dacc[${ga} + 1u] = dm[${g}];
              dacc[${ga} + 2u] = dm[${g} + 1u];
              dacc[${ga} + 3u] = dm[${g} + 2u];
            }
            dacc[${ga} + 4u] = bitcast<u32>(max(bitcast<f32>(dacc[${ga} + 4u]), bitcast<f32>(dm[${g} + 3u])));`;
  })
  .join('\n')}
`
    : '';
  return `// signcheck metric reduction kernel
${recordStruct(hyperNames)}${STATUS_STRUCT}struct Run { R: u32, nwg: u32, T: u32, stride: u32, zero: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read> rec: StepRec;
@group(0) @binding(1) var<storage, read> recs: array<u32>;
@group(0) @binding(2) var<uniform> run: Run;
@group(0) @binding(3) var<storage, read> partials: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> status: array<Status>;
@group(0) @binding(5) var<storage, read> tau: array<u32>;
@group(0) @binding(6) var<storage, read_write> curve: array<vec4<f32>>;
${dist ? '@group(0) @binding(7) var<storage, read> dm: array<u32>;\n@group(0) @binding(8) var<storage, read_write> dacc: array<u32>;\n' : ''}
var<workgroup> red: array<vec4<f32>, ${REDUCE_THREADS}>;
var<workgroup> redc: array<u32, ${REDUCE_THREADS}>;

// Non-finite test on the bits (NaN/Inf handling of float compares is not guaranteed on every driver).
fn sc_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

// The identity on f32, opaque to the compiler: Vulkan compilers treat float ops as inexact and
// may rewrite (a + b) - a to b (Mesa's NIR does), which would erase the two-sum's error term.
// run.zero is 0 at run time but unknown when the shader is compiled.
fn sc_opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) | run.zero);
}

// Knuth's two-sum: (hi, lo) += v with the rounding error of hi + v carried in lo.
fn sc_two_sum(acc: vec2<f32>, v: f32) -> vec2<f32> {
  let s = sc_opaque(acc.x + v);
  let bb = sc_opaque(s - acc.x);
  let e = sc_opaque(acc.x - sc_opaque(s - bb)) + sc_opaque(v - bb);
  return vec2<f32>(s, acc.y + e);
}

@compute @workgroup_size(${REDUCE_THREADS})
fn reduce(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let r = wid.y * 65535u + wid.x;
  if (r >= run.R) {
    return;
  }
  for (var k = 0u; k < rec.rcount; k = k + 1u) {
    let base = (rec.rfirst + k) * run.stride;
    let t = recs[base + ${idx('t')}u];
    let slot = recs[base + ${idx('slot')}u];
    let cp = bitcast<i32>(recs[base + ${idx('cp')}u]);
    var s = vec4<f32>(0.0);
    var fz = 0u;
    for (var i = lid.x; i < run.nwg; i = i + ${REDUCE_THREADS}u) {
      let p = partials[(slot * run.R + r) * run.nwg + i];
      s = s + vec4<f32>(p.xyz, 0.0);
      fz = fz + u32(max(p.w, 0.0));
    }
    red[lid.x] = s;
    redc[lid.x] = fz;
    for (var h = ${REDUCE_THREADS / 2}u; h > 0u; h = h >> 1u) {
      workgroupBarrier();
      if (lid.x < h) {
        red[lid.x] = red[lid.x] + red[lid.x + h];
        redc[lid.x] = redc[lid.x] + redc[lid.x + h];
      }
    }
    if (lid.x == 0u) {
      var st = status[r];
      if (st.div < 0) {
        let tot = red[0];
        let n1 = tot.x;
        let n2 = sqrt(tot.y);
        if (!(sc_finite(n1) && sc_finite(n2))) {
          st.div = i32(t);
        } else {
          if (cp >= 0) {
            let hf = 0.5 * tot.z;
            curve[u32(cp) * run.R + r] = vec4<f32>(hf, n1, n2, 0.0);
            if (!sc_finite(hf)) {
              st.div = i32(t);
            }
          }
          if (st.div < 0 && t < run.T) {
            st.s1 = sc_two_sum(st.s1, n1);
            st.s2 = sc_two_sum(st.s2, n2);
            if (t == tau[r]) {
              st.tauG1 = n1;
            }
            if (t + 1u == run.T) {
              st.frozen = redc[0];
            }
${merge}          }
        }
        status[r] = st;
      }
    }
    workgroupBarrier();
  }
}
`;
}

/**
 * Workgroup tree of one scalar reduction through reds[] (sum or NaN-propagating max), written to
 * rpart at (slot, row): rows are replicas (single-node plans: row r of ch.R) or, in the distributed
 * plan, replicas or (replica, worker) rows.
 */
export function scalarTree(acc: string, kind: 'sum' | 'max', slot: number, row = 'r', rowsTotal = 'ch.R'): string {
  const combine = kind === 'sum' ? 'reds[li] + reds[li + s]' : 'sc_maxnan(reds[li], reds[li + s])';
  return `  workgroupBarrier();
  reds[li] = ${acc};
  for (var s = WX / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid.x < s) {
      reds[li] = ${combine};
    }
  }
  if (lid.x == 0u && rl < ch.rows) {
    rpart[(${slot}u * ${rowsTotal} + ${row}) * ch.nwg + ch.wgx0 + wid.x] = reds[li];
  }`;
}

/** Finishing of reduction slots per row (a workgroup of 64 per replica, or per (replica, worker)). */
export function rowGroupKernel(entry: string, scope: Scope, N: number, items: ReadonlyArray<{ slot: number; kind: 'sum' | 'max'; store: string }>): string {
  const worker = scope === 'worker';
  const parts = items.map(({ slot, kind, store }) => {
    return finishSlotWgsl(kind, store, `(${slot}u * ch.R * ch.nw + row)`);
  });
  return `@compute @workgroup_size(${REDUCE_THREADS})
fn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.y * 65535u + wid.x;
  if (row >= ch.R${worker ? ` * ch.nw` : ''}) {
    return;
  }
  let r = ${worker ? `row / ch.nw` : 'row'};
  let j = ${worker ? `row % ch.nw` : '0u'};
${parts.join('\n')}
}`;
}