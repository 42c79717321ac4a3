/** The general plan (see src/gpu/codegen.ts). */
import { REDUCE_THREADS, type StepKernelConfig, GRADIENT_VECTOR, GRADIENT_OUT_VECTOR, type GeneralKernel, type StepKernel } from './kernel.ts';
import { fsumFunction, moduleHeader, GRID_PROLOGUE, GRID_SIGNATURE } from './prelude.ts';
import { type ProgramInfo, emitMaps } from './map.ts';
import { oracleKernel } from './oracle.ts';
import { metricTree, scalarTree, replicaGroupKernel } from './reduce.ts';
import { scalarKernel } from './scalar.ts';

/** The general plan: grad, fx, then a kernel per op in program order (see src/gpu/codegen.ts). */
export function generateGeneral(cfg: StepKernelConfig, info: ProgramInfo): StepKernel {
  const { def, wx, wy } = cfg;
  const prog = def.program;
  const hyper = new Set(cfg.hyperNames);
  const out = prog.output ?? 'x';
  const gp = cfg.gradientPass ?? null;
  const vectors = ['x', 'g', ...(gp ? [GRADIENT_VECTOR, ...(out !== 'x' ? [GRADIENT_OUT_VECTOR] : [])] : []), ...prog.vectors.map((v) => v.name).filter((n) => info.used.has(n))];
  const scalars = [...prog.scalars.map((s) => ({ name: s.name, init: s.init })), { name: 'fx', init: 0 }];
  const NS = scalars.length;
  const sIndex = new Map(scalars.map((s, i) => [s.name, i]));
  const readsFx = info.checked.readsFx;
  const sections: string[] = [];
  const sequence: GeneralKernel[] = [];
  let slot = 1; // slot 0: fx partials
  // vector loads + stores per coordinate and step: grad loads x (and the output point), stores g
  let traffic = 2 + (out === 'x' ? 0 : 1);
  let probReads = 1;

  // grad: metrics at the output point, fx partials at x, g stored
  if (gp) {
    probReads = 0;
    traffic += out === 'x' ? 1 : 2;
    sequence.push({ dispatch: 'gradient', entry: '', at: 'x', into: GRADIENT_VECTOR, fregion: 0, onlyUpdate: false });
    // metrics at the output point: a second pass there, with its own f partials (region 1)
    if (out !== 'x') sequence.push({ dispatch: 'gradient', entry: '', at: out, into: GRADIENT_OUT_VECTOR, fregion: 1, onlyUpdate: false });
    sections.push(`${GRID_SIGNATURE('grad', wx, wy)}
${GRID_PROLOGUE}
  var acc = vec4<f32>(0.0);
  if (inRange) {
    let ge = vec_${GRADIENT_VECTOR}[idx];
    let geo = ${out === 'x' ? 'ge' : `vec_${GRADIENT_OUT_VECTOR}[idx]`};
    acc.x = dot(select(zero, abs(geo), valid), one);
    acc.y = dot(select(zero, geo * geo, valid), one);
    if (lid.x == 0u) {
      acc.w = 2.0 * sc_fsum(r, ch.wgx0 + wid.x, 0u);
      acc.z = ${out === 'x' ? 'acc.w' : '2.0 * sc_fsum(r, ch.wgx0 + wid.x, 1u)'};
    }
    if (rec.update != 0u && status[r].div < 0) {
      vec_g[idx] = noisy(ge, q, qg, r);
    }
  }
${metricTree(readsFx ? 'rpart[(0u * ch.R + r) * ch.nwg + ch.wgx0 + wid.x] = red[li].w;' : null)}
}`);
  } else sections.push(`${GRID_SIGNATURE('grad', wx, wy)}
${GRID_PROLOGUE}
  var acc = vec4<f32>(0.0);
  if (inRange) {
    let pr = prob[q];
    let v_x = vec_x[idx];
    let dx = v_x - pr.center;
    let ge = pr.diag * dx;
    let po = ${out === 'x' ? 'v_x' : `vec_${out}[idx]`};
    let dxo = po - pr.center;
    let geo = pr.diag * dxo;
    acc.x = dot(select(zero, abs(geo), valid), one);
    acc.y = dot(select(zero, geo * geo, valid), one);
    acc.z = dot(select(zero, geo * dxo, valid), one);
    acc.w = dot(select(zero, ge * dx, valid), one);
    if (rec.update != 0u && status[r].div < 0) {
      vec_g[idx] = ${cfg.workerCenters ? 'noisyc(v_x, pr.diag, q, qg, r)' : 'noisy(ge, q, qg, r)'};
    }
  }
${metricTree(readsFx ? 'rpart[(0u * ch.R + r) * ch.nwg + ch.wgx0 + wid.x] = red[li].w;' : null)}
}`);
  sequence.push({ dispatch: 'grid', entry: 'grad', onlyUpdate: false });
  if (readsFx) {
    sections.push(replicaGroupKernel('fxfin', [{ slot: 0, kind: 'sum', store: `scal[r * ${NS}u + ${sIndex.get('fx')}u] = ch.fc + 0.5 * v;` }]));
    sequence.push({ dispatch: 'replica-group', entry: 'fxfin', onlyUpdate: true });
  }

  const scalarRead = (v: string) => {
    if (!sIndex.has(v)) throw new Error(`${def.id}: unresolved name ${v} in the WGSL program`);
    return `s_${v}`;
  };
  const scalarLoads = scalars.map((s, i) => `      let s_${s.name} = scal[r * ${NS}u + ${i}u];`).join('\n');

  info.plan.ops.forEach((op) => {
    const index = op.index;
    const entry = `op${index}`;
    if (op.op === 'map') {
      // load the vectors this op reads or writes (a target may be read before it is assigned)
      const opVectors = vectors.filter((v) => op.touched.has(v));
      const loads = opVectors.map((v) => `      var v_${v} = vec_${v}[idx];`);
      const stores = opVectors.filter((v) => op.written.has(v)).map((v) => `      vec_${v}[idx] = v_${v};`);
      traffic += loads.length + stores.length;
      const reds = op.reduce;
      const accs = reds.map((r, k) => `  var red_${index}_${k}: f32 = ${r.kind === 'sum' ? '0.0' : 'sc_neg_inf()'};`);
      const body = emitMaps([op], info, hyper, scalarRead, (i, k) => `red_${i}_${k}`);
      const slots = reds.map(() => slot++);
      sections.push(`${GRID_SIGNATURE(entry, wx, wy)}
${GRID_PROLOGUE}
${accs.join('\n')}
  if (inRange && status[r].div < 0) {
${loads.join('\n')}
${scalarLoads}
${body.join('\n')}
${stores.join('\n')}
  }
${reds.map((r, k) => scalarTree(`red_${index}_${k}`, r.kind, slots[k])).join('\n')}
}`);
      sequence.push({ dispatch: 'grid', entry, onlyUpdate: true });
      if (reds.length) {
        sections.push(
          replicaGroupKernel(
            `fin${index}`,
            reds.map((r, k) => ({ slot: slots[k], kind: r.kind, store: `scal[r * ${NS}u + ${sIndex.get(r.into)}u] = v;` })),
          ),
        );
        sequence.push({ dispatch: 'replica-group', entry: `fin${index}`, onlyUpdate: true });
      }
    } else if (op.op === 'scalar') {
      sections.push(scalarKernel(entry, op, info, hyper, scalars, NS));
      sequence.push({ dispatch: 'replica-thread', entry, onlyUpdate: true });
    } else if (op.op === 'oracle') {
      const o = op;
      traffic += 2;
      if (gp) {
        // the pass at the oracle's point overwrites gexact (read by grad only, earlier in the step)
        traffic += 1;
        sequence.push({ dispatch: 'gradient', entry: '', at: o.at, into: GRADIENT_VECTOR, fregion: 0, onlyUpdate: true });
        sections.push(oracleKernel(entry, wx, wy, o.into, `noisy(vec_${GRADIENT_VECTOR}[idx], q, qg, r)`));
        sequence.push({ dispatch: 'grid', entry, onlyUpdate: true });
        return;
      }
      probReads += 1;
      sections.push(oracleKernel(entry, wx, wy, o.into, cfg.workerCenters ? 'noisyc(pa, pr.diag, q, qg, r)' : 'noisy(pr.diag * (pa - pr.center), q, qg, r)', o.at));
      sequence.push({ dispatch: 'grid', entry, onlyUpdate: true });
    } else {
      throw new Error(`${def.id}: ${op.op} ops are not generated for WebGPU`);
    }
  });

  const wgsl = `// signcheck general step kernels: ${def.id} (${def.name}); noise ${cfg.noise ? `${cfg.noise.samplesPerCall}/call` : 'none'}, sigma ${cfg.sigma}, n = ${cfg.workers}
${moduleHeader(cfg, vectors, true)}
var<workgroup> redr: array<f32, ${REDUCE_THREADS}>;
${sections.join('\n\n')}
${gp ? fsumFunction(slot, gp.partials) : ''}`;
  const written = vectors.filter((v) => v === 'g' || info.written.has(v));
  return {
    plan: 'general',
    wgsl,
    vectors,
    written,
    bindings: { record: 0, chunk: 1, status: 2, partials: 3, prob: 4, sigma: 5, scalars: 6, reductionPartials: 7, firstVector: 8 },
    sequence,
    scalars,
    reductionSlots: slot,
    output: out,
    traffic: { vectorAccesses: traffic, probReads },
    stateBuffers: vectors.map((v) => ({ label: v, vectors: [v], rowsPerReplica: 1 })),
    extraBindings: [...vectors.map(() => 'storage' as const), ...(cfg.workerCenters ? (['read-only-storage'] as const) : [])],
    dist: null,
  };
}