/** The distributed plan (see generateDistributed). */
import { toWgsl } from '../../algorithms/expr.ts';
import { distributedPartOf, type MessageSpec } from '../../algorithms/distributed.ts';
import type { Scope } from '../../algorithms/program.ts';
import type { NameRef } from '../../engine/plan/resolve.ts';
import { REDUCE_THREADS, type StepKernelConfig, GRADIENT_VECTOR, type GeneralKernel, type StepKernel, type DistMessage, DIST_SLOT_HEAD, DIST_SLOT_GUARD, DIST_ACC_HEAD, DIST_ACC_GUARD, DIST_NONE } from './kernel.ts';
import { fsumFunction, exprOf, GRID_PROLOGUE, GRID_SIGNATURE, THREAD_SIGNATURE, WORKER_GRID_PROLOGUE, WORD_PROLOGUE, distributedHeader } from './prelude.ts';
import { type ProgramInfo, wgslRead, reader, emitMaps } from './map.ts';
import { metricTree, rowGroupKernel, scalarTree } from './reduce.ts';
import { packKernel } from './pack.ts';

/**
 * Worker-scope programs. State: one buffer of server vectors (x first) and one of worker vectors
 * (g first), each vector a plane of (replica [x worker]) rows of quads: replicas x workers x d.
 * Scalars: server scalars (R x NS, fx last), then worker scalars (R x n x NW), one buffer.
 * Per step, in order:
 *   [gradient pass] (homogeneous problems without a separable quadratic) the exact gradient at x of
 *           every replica into `gex`, f's partials into rpart (src/gpu/gradients);
 *   grad    (server grid)  metrics at x (exact gradient of f = (1/n) sum_j f_j: diag (x - cbar), or
 *           gex and the pass's f partials), fx partials;
 *   wgrad   (worker grid)  g_j = diag (x - c_j) (or gex) + sigma (.) (1/B) sum_b xi_{t, j|b<<16, r} (runCpu's order);
 *   per op: map (server or worker grid; rand() on the compress stream with lane = worker, as runCpu),
 *           fin (row reductions into scalars), scalar ops (a thread per row), aggregate:
 *             pack  (worker word grid) 32 signs per u32 word, sign plane + nonzero plane, the
 *                   message's ternary flag (a 0 in a valid coordinate) and a validity flag (an entry
 *                   outside {-1, 0, +1}, or not 0 / +-scale for scaled-sign messages) set atomically;
 *             vote  (a thread per replica, word and block of 32 workers) packed sign messages: the
 *                   block's 32 x 32 bits transposed, countOneBits, 2 popcount(sign & nz) -
 *                   popcount(nz) added atomically to integer counts per coordinate;
 *             agg   (word grid) packed sign: the counts (exact integers), or the scaled-sign rows decoded
 *                   and summed in worker order; unpacked: the float rows summed in worker order
 *                   (identical values: sums of +-1 are exact integers in float32); then mean (sum / n)
 *                   or vote (sign(sum), ties 0), as src/engine/bits.ts;
 *           after (a thread per replica) running-max syncs R <- max(R, max_j ||v^j||_inf), then the
 *                   S_R guards (||v||_inf <= R or record the first violating worker), as
 *                   DistributedRuntime.afterOp;
 *           down  (word grid) the server message packed, flagged, and (packed) decoded back: what the
 *                   workers apply;
 *   count   (a thread per replica) ternary and validity flags of the step into the step's record.
 * The reduce kernel merges each step's record into per-replica accumulators only while the replica
 * has not diverged (runCpu stops before the ops of the step at which it diverges), so ternary
 * counts, guard violations and bound use cover exactly the steps the CPU engine runs.
 */
export function generateDistributed(cfg: StepKernelConfig, info: ProgramInfo): StepKernel {
  const { def, wx, wy } = cfg;
  const N = cfg.workers;
  const packed = cfg.packed !== false;
  const prog = def.program;
  const dist = distributedPartOf(def);
  const hyper = new Set(cfg.hyperNames);
  const scope = new Map<string, Scope>([['x', 'server'], ['g', 'worker']]);
  for (const v of prog.vectors) scope.set(v.name, v.scope);
  const serverVecs = ['x', ...prog.vectors.filter((v) => v.scope === 'server' && info.used.has(v.name)).map((v) => v.name)];
  const workerVecs = ['g', ...prog.vectors.filter((v) => v.scope === 'worker' && info.used.has(v.name)).map((v) => v.name)];
  const plane = (v: string) => (scope.get(v) === 'worker' ? workerVecs.indexOf(v) : serverVecs.indexOf(v));
  const serverScalars = [...prog.scalars.filter((sc) => sc.scope === 'server').map((sc) => ({ name: sc.name, init: sc.init })), { name: 'fx', init: 0 }];
  const workerScalars = prog.scalars.filter((sc) => sc.scope === 'worker').map((sc) => ({ name: sc.name, init: sc.init }));
  const NS = serverScalars.length;
  const NW = Math.max(1, workerScalars.length);
  const sIdx = new Map(serverScalars.map((sc, i) => [sc.name, i]));
  const wIdx = new Map(workerScalars.map((sc, i) => [sc.name, i]));
  const serverScalarAt = (name: string) => `scal[r * ${NS}u + ${sIdx.get(name)}u]`;
  const workerScalarAt = (name: string, row = 'r * NW_ROWS + j') => `scal[ch.R * ${NS}u + (${row}) * ${NW}u + ${wIdx.get(name)}u]`.replace('NW_ROWS', 'ch.nw');
  const readsFx = info.checked.readsFx;

  // messages: each aggregate's up message (n rows), each down message after the op that writes it (1 row)
  const messages: DistMessage[] = [];
  let rowOffset = 0;
  let upRows = 0;
  let downRows = 0;
  const addMessage = (op: number, spec: MessageSpec, direction: 'up' | 'down') => {
    const rows = direction === 'up' ? N : 1;
    const m: DistMessage = { op, vector: spec.vector, spec, direction, rows, rowOffset, rowsExpr: direction === 'up' ? 'ch.nw' : '1u', offsetExpr: `(${upRows}u * ch.nw + ${downRows}u)` };
    if (spec.encoding !== 'float') {
      rowOffset += rows;
      if (direction === 'up') upRows++;
      else downRows++;
    }
    messages.push(m);
    return m;
  };
  const guards = (dist?.guards ?? []).map((g) => ({ ...g, scope: (prog.scalars.find((sc) => sc.name === g.norm)?.scope ?? 'server') as Scope }));
  const syncs = dist?.syncs ?? [];
  const DS = DIST_SLOT_HEAD + DIST_SLOT_GUARD * guards.length;
  const DA = DIST_ACC_HEAD + DIST_ACC_GUARD * guards.length;
  const sections: string[] = [];
  const sequence: GeneralKernel[] = [];
  let slot = 1; // reduction slots; slot 0: fx partials
  let traffic = 1 + 2; // grad reads x (or gexact); wgrad reads x (or gexact), stores g
  let probReads = 2;
  const gp = cfg.gradientPass ?? null;
  const rowsW = 'ch.nw';
  // vote counts (i32 as u32) after the flags and the K step records: dm[COUNTS_BASE + (r W + w) 32 + i]
  let voteCounts = false;
  const COUNTS_BASE = `(${'${FLAG_ROWS}'} * ch.R + ch.slots * ch.R * ${DIST_SLOT_HEAD + DIST_SLOT_GUARD * (dist?.guards?.length ?? 0)}u)`;

  // ---- grad: metrics at x, fx partials (problems with a gradient pass: the pass, dispatched first,
  // writes the exact gradient into gexact and f's partials into rpart; grad reads them as the fused plan)
  // (one module text for both: ch.gpass is a uniform, so these pipelines are shared with the runs
  // on separable quadratics; the engine binds a 16-byte gex when there is no pass)
  if (gp) {
    probReads = 0;
    sequence.push({ dispatch: 'gradient', entry: '', at: 'x', into: GRADIENT_VECTOR, fregion: 0, onlyUpdate: false });
  }
  sections.push(`${GRID_SIGNATURE('grad', wx, wy)}
${GRID_PROLOGUE}
  var acc = vec4<f32>(0.0);
  if (inRange && ch.gpass != 0u) {
    let ge = gex[idx];
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    if (lid.x == 0u) {
      acc.z = 2.0 * sc_fsum(r, ch.wgx0 + wid.x, 0u);
      acc.w = acc.z;
    }
  } else if (inRange) {
    let pr = prob[q];
    let v_x = sv[idx];
    let dx = v_x - pr.center;
    let ge = pr.diag * dx;
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    acc.z = dot(select(zero, ge * dx, valid), one);
    acc.w = acc.z;
  }
${metricTree(readsFx ? `rpart[(0u * ch.R * ${rowsW} + r) * ch.nwg + ch.wgx0 + wid.x] = red[li].w;` : null)}
}`);
  sequence.push({ dispatch: 'grid', entry: 'grad', onlyUpdate: false });
  if (readsFx) {
    sections.push(rowGroupKernel('fxfin', 'server', N, [{ slot: 0, kind: 'sum', store: `${serverScalarAt('fx')} = ch.fc + 0.5 * v;` }]));
    sequence.push({ dispatch: 'replica-group', entry: 'fxfin', onlyUpdate: true });
  }
  // ---- wgrad: every worker's stochastic gradient (with a gradient pass: the shared exact gradient,
  // each worker's own noise; runCpu evaluates grad f at x once per worker, the same float64 values)
  sections.push(`${GRID_SIGNATURE('wgrad', wx, wy)}
${WORKER_GRID_PROLOGUE(N)}
  if (inRange && status[r].div < 0) {
    var ge: vec4<f32>;
    if (ch.gpass != 0u) {
      ge = gex[idx];
    } else {
      let pr = prob[q];
      var c = pr.center;
      if (ch.hetero != 0u) {
        c = wcen[j * ((ch.D + 3u) / 4u) + qg];
      }
      ge = pr.diag * (sv[idx] - c);
    }
    wv[widx] = noisy_w(ge, q, qg, r, j);
  }
}`);
  sequence.push({ dispatch: 'worker-grid', entry: 'wgrad', onlyUpdate: true });

  const scalarName = (kernelScope: Scope) => (v: string): string => {
    if (sIdx.has(v)) return `s_${v}`;
    if (kernelScope === 'worker' && wIdx.has(v)) return `s_${v}`;
    throw new Error(`${def.id}: unresolved name ${v} in the WGSL program`);
  };
  const scalarLoads = (kernelScope: Scope) =>
    [
      ...serverScalars.map((sc) => `    let s_${sc.name} = ${serverScalarAt(sc.name)};`),
      ...(kernelScope === 'worker' ? workerScalars.map((sc) => `    let s_${sc.name} = ${workerScalarAt(sc.name)};`) : []),
    ].join('\n');
  const vecAt = (v: string) => (scope.get(v) === 'worker' ? `wv[${plane(v)}u * (ch.rows * ch.nw * ch.quads) + widx]` : `sv[${plane(v)}u * (ch.rows * ch.quads) + idx]`);

  info.plan.ops.forEach((op) => {
    const index = op.index;
    const entry = `op${index}`;
    if (op.op === 'map') {
      const worker = op.scope === 'worker';
      const opVectors = [...serverVecs, ...workerVecs].filter((v) => op.touched.has(v));
      const loads = opVectors.map((v) => `    var v_${v} = ${vecAt(v)};`);
      const stores = opVectors.filter((v) => op.written.has(v)).map((v) => `    ${vecAt(v)} = v_${v};`);
      traffic += loads.length + stores.length;
      const reds = op.reduce;
      const accs = reds.map((r, k) => `  var red_${index}_${k}: f32 = ${r.kind === 'sum' ? '0.0' : 'sc_neg_inf()'};`);
      const body = emitMaps([op], info, hyper, scalarName(op.scope), (i, k) => `red_${i}_${k}`, worker ? 'j' : '0u');
      const slots = reds.map(() => slot++);
      const rowExpr = worker ? `r * ${rowsW} + j` : 'r';
      sections.push(`${GRID_SIGNATURE(entry, wx, wy)}
${worker ? WORKER_GRID_PROLOGUE(N) : GRID_PROLOGUE}
${accs.join('\n')}
  if (inRange && status[r].div < 0) {
${loads.join('\n')}
${scalarLoads(op.scope)}
${body.join('\n')}
${stores.join('\n')}
  }
${reds.map((r, k) => scalarTree(`red_${index}_${k}`, r.kind, slots[k], rowExpr, `ch.R * ${rowsW}`)).join('\n')}
}`);
      sequence.push({ dispatch: worker ? 'worker-grid' : 'grid', entry, onlyUpdate: true });
      if (reds.length) {
        const store = (into: string) => (worker ? `${workerScalarAt(into, 'row')} = v;` : `${serverScalarAt(into)} = v;`);
        sections.push(rowGroupKernel(`fin${index}`, op.scope, N, reds.map((r, k) => ({ slot: slots[k], kind: r.kind, store: store(r.into) }))));
        sequence.push({ dispatch: worker ? 'worker-group' : 'replica-group', entry: `fin${index}`, onlyUpdate: true });
      }
    } else if (op.op === 'scalar') {
      const worker = op.scope === 'worker';
      const written = new Set(op.assign.map((a) => a.target));
      const scalar = (v: string): string => {
        if (sIdx.has(v) || (worker && wIdx.has(v))) return `s_${v}`;
        throw new Error(`unresolved scalar name ${v}`);
      };
      const read = (ref: NameRef) => wgslRead(ref, hyper, scalar, scalar);
      const visible = [...serverScalars.map((sc) => ({ name: sc.name, at: serverScalarAt(sc.name) })), ...(worker ? workerScalars.map((sc) => ({ name: sc.name, at: workerScalarAt(sc.name) })) : [])];
      sections.push(`${THREAD_SIGNATURE(entry)}
${worker ? `  let row = (wid.y * 65535u + wid.x) * ${REDUCE_THREADS}u + lid.x;\n  let r = row / ${rowsW};\n  let j = row % ${rowsW};` : `  let r = (wid.y * 65535u + wid.x) * ${REDUCE_THREADS}u + lid.x;`}
  if (r >= ch.R || status[r].div >= 0) {
    return;
  }
${visible.map((sc) => `  var s_${sc.name} = ${sc.at};`).join('\n')}
${op.assign.map((a) => `  s_${a.target} = ${toWgsl(exprOf(info.checked, a.source), reader(a.reads, read))};`).join('\n')}
${visible.filter((sc) => written.has(sc.name)).map((sc) => `  ${sc.at} = s_${sc.name};`).join('\n')}
}`);
      sequence.push({ dispatch: worker ? 'worker-thread' : 'replica-thread', entry, onlyUpdate: true });
    } else if (op.op === 'aggregate') {
      const spec: MessageSpec = dist?.communication.up.find((m) => m.vector === op.from) ?? { vector: op.from, encoding: 'float' };
      const m = dist ? addMessage(index, spec, 'up') : null;
      const usePacked = packed && spec.encoding !== 'float';
      if (m && spec.encoding !== 'float') {
        sections.push(packKernel(`pack${index}`, m, plane(op.from), 'worker', N, spec.encoding === 'scaled-sign' ? (row) => workerScalarAt(spec.scale, row) : null, false));
        sequence.push({ dispatch: 'worker-word-grid', entry: `pack${index}`, onlyUpdate: true });
        traffic += 1;
      }
      const fromPlane = plane(op.from);
      const toPlane = plane(op.to);
      let gather: string;
      if (usePacked && spec.encoding === 'sign') {
        // a thread per (replica, word, block of 32 workers): transpose the block's 32 x 32 bits
        // and add its per-coordinate counts (integers: the order of the additions is immaterial)
        voteCounts = true;
        sections.push(`@compute @workgroup_size(64, 1)
fn vote${index}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let words = (ch.quads + 7u) / 8u;
  let blocks = (ch.nw + 31u) / 32u;
  let gi = (wid.y * 65535u + wid.x) * 64u + lid.x;
  let b = gi % blocks;
  let wl = (gi / blocks) % words;
  let rl = gi / blocks / words;
  if (rl >= ch.rows) {
    return;
  }
  let r = ch.r0 + rl;
  if (status[r].div >= 0) {
    return;
  }
  let w = ch.q0 / 8u + wl;
  let W = (ch.D + 31u) / 32u;
  var bs: array<u32, 32>;
  var bz: array<u32, 32>;
  for (var k = 0u; k < 32u; k = k + 1u) {
    let jj = b * 32u + k;
    if (jj < ch.nw) {
      let base = (${m!.offsetExpr} * ch.R + r * ch.nw + jj) * 2u * W;
      bs[k] = pk[base + w];
      bz[k] = pk[base + W + w];
    }
  }
  sc_transpose32(&bs);
  sc_transpose32(&bz);
  let cb = ${COUNTS_BASE} + (r * W + w) * 32u;
  for (var i = 0u; i < 32u; i = i + 1u) {
    let z = bz[i];
    let c = 2 * i32(countOneBits(bs[i] & z)) - i32(countOneBits(z));
    if (c != 0) {
      atomicAdd(&dm[cb + i], bitcast<u32>(c));
    }
  }
}`);
        sequence.push({ dispatch: 'block-word-grid', entry: `vote${index}`, onlyUpdate: true });
        gather = `  let cb = ${COUNTS_BASE} + (r * W + w) * 32u;
  for (var i = 0u; i < 32u; i = i + 1u) {
    vals[i] = f32(bitcast<i32>(atomicExchange(&dm[cb + i], 0u)));
  }`;
      } else if (usePacked) {
        gather = `  for (var j = 0u; j < ${rowsW}; j = j + 1u) {
    let base = (${m!.offsetExpr} * ch.R + r * ${rowsW} + j) * 2u * W;
    let sw = pk[base + w];
    let zw = pk[base + W + w];
    let c = ${workerScalarAt((spec as { scale: string }).scale, `r * ${rowsW} + j`)};
    for (var i = 0u; i < 32u; i = i + 1u) {
      if (((zw >> i) & 1u) != 0u) {
        vals[i] = vals[i] + select(-c, c, ((sw >> i) & 1u) != 0u);
      }
    }
  }`;
      } else {
        gather = `  for (var j = 0u; j < ${rowsW}; j = j + 1u) {
    for (var k = 0u; k < 8u; k = k + 1u) {
      let qq = wl * 8u + k;
      if (qq < ch.quads) {
        let v4 = wv[${fromPlane}u * (ch.rows * ${rowsW} * ch.quads) + (rl * ${rowsW} + j) * ch.quads + qq];
        vals[4u * k] = vals[4u * k] + v4.x;
        vals[4u * k + 1u] = vals[4u * k + 1u] + v4.y;
        vals[4u * k + 2u] = vals[4u * k + 2u] + v4.z;
        vals[4u * k + 3u] = vals[4u * k + 3u] + v4.w;
      }
    }
  }`;
      }
      traffic += usePacked ? 1 : N + 1;
      const finish = op.kind === 'mean' ? `vals[i] / f32(${rowsW})` : 'sign(vals[i])';
      sections.push(`@compute @workgroup_size(64, 1)
fn agg${index}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
${WORD_PROLOGUE('server', N)}
  var vals: array<f32, 32>;
${gather}
  for (var i = 0u; i < 32u; i = i + 1u) {
    vals[i] = select(0.0, ${finish}, w * 32u + i < ch.D);
  }
  for (var k = 0u; k < 8u; k = k + 1u) {
    let qq = wl * 8u + k;
    if (qq < ch.quads) {
      sv[${toPlane}u * (ch.rows * ch.quads) + rl * ch.quads + qq] = vec4<f32>(vals[4u * k], vals[4u * k + 1u], vals[4u * k + 2u], vals[4u * k + 3u]);
    }
  }
}`);
      sequence.push({ dispatch: 'word-grid', entry: `agg${index}`, onlyUpdate: true });
    } else {
      throw new Error(`${def.id}: ${op.op} ops are not generated for WebGPU in worker-scope programs`);
    }

    // ---- after the op: syncs and guards on the scalars it reduced, then down messages it wrote
    const reduced = new Set(op.op === 'map' ? (op.reduce ?? []).map((r) => r.into) : []);
    const opSyncs = syncs.filter((sy) => reduced.has(sy.from));
    const opGuards = guards.map((g, k) => ({ g, k })).filter(({ g }) => reduced.has(g.norm));
    if (opSyncs.length || opGuards.length) {
      const lines: string[] = [];
      for (const sy of opSyncs) {
        lines.push(`  {
    var mx = ${serverScalarAt(sy.into)};
    for (var j = 0u; j < ${rowsW}; j = j + 1u) {
      let v = ${workerScalarAt(sy.from)};
      if (v > mx) {
        mx = v;
      }
    }
    ${serverScalarAt(sy.into)} = mx;
  }`);
      }
      for (const { g, k } of opGuards) {
        const bound = hyper.has(g.bound) ? `rec.p_${g.bound}` : serverScalarAt(g.bound);
        const rows = g.scope === 'worker' ? rowsW : '1u';
        const norm = g.scope === 'worker' ? workerScalarAt(g.norm) : serverScalarAt(g.norm);
        const o = `dsBase + (rec.slot * ch.R + r) * ${DS}u + ${DIST_SLOT_HEAD + DIST_SLOT_GUARD * k}u`;
        lines.push(`  {
    let bound = ${bound};
    var viol = ${DIST_NONE}u;
    var vv = 0.0;
    var ratio = 0.0;
    for (var j = 0u; j < ${rows}; j = j + 1u) {
      let v = ${norm};
      if (sc_isnan(v) || v > bound) {
        if (viol == ${DIST_NONE}u) {
          viol = j;
          vv = v;
        }
      } else if (bound > 0.0) {
        ratio = max(ratio, v / bound);
      }
    }
    atomicStore(&dm[${o}], viol);
    atomicStore(&dm[${o} + 1u], bitcast<u32>(vv));
    atomicStore(&dm[${o} + 2u], bitcast<u32>(bound));
    atomicStore(&dm[${o} + 3u], bitcast<u32>(ratio));
  }`);
      }
      sections.push(`${THREAD_SIGNATURE(`after${index}`)}
  let r = (wid.y * 65535u + wid.x) * ${REDUCE_THREADS}u + lid.x;
  if (r >= ch.R || status[r].div >= 0) {
    return;
  }
  let dsBase = ${'${FLAG_ROWS}'} * ch.R;
${lines.join('\n')}
}`);
      sequence.push({ dispatch: 'replica-thread', entry: `after${index}`, onlyUpdate: true });
    }
    const writtenHere = new Set(op.op === 'map' ? op.assign.map((a) => a.target) : op.op === 'aggregate' ? [op.to] : []);
    for (const spec of dist?.communication.down ?? []) {
      if (!writtenHere.has(spec.vector)) continue;
      const m = addMessage(index, spec, 'down');
      if (spec.encoding === 'float') continue;
      sections.push(packKernel(`down${index}_${spec.vector}`, m, plane(spec.vector), 'server', N, spec.encoding === 'scaled-sign' ? () => serverScalarAt(spec.scale) : null, packed));
      sequence.push({ dispatch: 'word-grid', entry: `down${index}_${spec.vector}`, onlyUpdate: true });
      traffic += packed ? 2 : 1;
    }
  });

  // ---- count: the step's ternary and validity flags into its record
  const FL = rowOffset;
  const FLX = `(${upRows}u * ch.nw + ${downRows}u)`;
  if (dist) {
    const countLines = messages
      .filter((m) => m.spec.encoding !== 'float')
      .map(
        (m) => `  for (var j = 0u; j < ${m.rowsExpr}; j = j + 1u) {
    let f = atomicExchange(&dm[${m.offsetExpr} * ch.R + r * ${m.rowsExpr} + j], 0u);
    ${m.direction === 'up' ? 'up' : 'down'} = ${m.direction === 'up' ? 'up' : 'down'} + (f & 1u);
    if ((f & 2u) != 0u) {
      err = err | ${1 << Math.min(m.op, 31)}u;
    }
  }`,
      );
    sections.push(`${THREAD_SIGNATURE('count')}
  let r = (wid.y * 65535u + wid.x) * ${REDUCE_THREADS}u + lid.x;
  if (r >= ch.R || status[r].div >= 0) {
    return;
  }
  var up = 0u;
  var down = 0u;
  var err = 0u;
${countLines.join('\n')}
  let o = ${FLX} * ch.R + (rec.slot * ch.R + r) * ${DS}u;
  atomicStore(&dm[o], up);
  atomicStore(&dm[o + 1u], down);
  atomicStore(&dm[o + 2u], err);
}`);
    sequence.push({ dispatch: 'replica-thread', entry: 'count', onlyUpdate: true });
  }

  const header = distributedHeader(cfg, N);
  const wgsl = `// signcheck distributed step kernels (no algorithm name here: programs with equal ops, such as
// mvsm-v1 and mv-sto-signsgd-sim, share their pipelines); noise ${cfg.noise ? `${cfg.noise.samplesPerCall}/call` : 'none'}, sigma ${cfg.sigma}, ${packed ? 'packed' : 'unpacked'} (n, the per-worker centers and the gradient pass are uniforms)
${header}
var<workgroup> redr: array<f32, ${REDUCE_THREADS}>;
${sections.join('\n\n').replaceAll('${FLAG_ROWS}', FLX)}
${fsumFunction(slot, 'ch.gpass', 'ch.R * ch.nw')}`;
  const written = [...serverVecs.filter((v) => info.written.has(v)), 'g', ...workerVecs.filter((v) => v !== 'g' && info.written.has(v))];
  return {
    plan: 'distributed',
    wgsl,
    vectors: [...serverVecs, ...workerVecs, ...(gp ? [GRADIENT_VECTOR] : [])],
    written,
    bindings: { record: 0, chunk: 1, status: 2, partials: 3, prob: 4, sigma: 5, scalars: 6, reductionPartials: 7, firstVector: 8 },
    sequence,
    scalars: [...serverScalars, ...workerScalars],
    reductionSlots: slot,
    output: 'x',
    traffic: { vectorAccesses: traffic, probReads },
    stateBuffers: [
      { label: 'server', vectors: serverVecs, rowsPerReplica: 1 },
      { label: 'worker', vectors: workerVecs, rowsPerReplica: N },
      ...(gp ? [{ label: GRADIENT_VECTOR, vectors: [GRADIENT_VECTOR], rowsPerReplica: 1 }] : []),
    ],
    // sv, wv, gex (the gexact state buffer, or the engine's 16-byte dummy without a pass), wcen, pk, dm
    extraBindings: ['storage', 'storage', 'storage', 'read-only-storage', 'storage', 'storage'],
    dist: {
      n: N,
      messages,
      messageRows: FL,
      guards: guards.map((g) => ({ parameter: g.parameter, operator: g.operator, what: g.what, scope: g.scope })),
      slotWords: DS,
      accWords: DA,
      communication: dist !== null,
      packed,
      voteCounts,
      serverScalars,
      workerScalars,
    },
  };
}