/** The fused plan (see src/gpu/codegen.ts). */
import { wgslFloat } from '../../algorithms/expr.ts';
import type { PlannedMap } from '../../engine/plan/lower.ts';
import { type StepKernelConfig, GRADIENT_VECTOR, type StepKernel } from './kernel.ts';
import { fsumFunction, moduleHeader, GRID_PROLOGUE, GRID_SIGNATURE } from './prelude.ts';
import { type ProgramInfo, emitMaps } from './map.ts';
import { metricTree } from './reduce.ts';

/** The fused plan: one kernel per step (server maps without reductions; see src/gpu/codegen.ts). */
export function generateFused(cfg: StepKernelConfig, info: ProgramInfo): StepKernel {
  const { def, wx, wy } = cfg;
  const prog = def.program;
  const scalarInit = new Map(prog.scalars.map((s) => [s.name, s.init]));
  const hyper = new Set(cfg.hyperNames);
  const gp = cfg.gradientPass ?? null;
  const vectors = ['x', ...(gp ? [GRADIENT_VECTOR] : []), ...prog.vectors.map((v) => v.name).filter((n) => info.used.has(n))];
  const maps = info.plan.ops as PlannedMap[];
  const body = emitMaps(maps, info, hyper, (v) => {
    if (scalarInit.has(v)) return wgslFloat(scalarInit.get(v)!);
    throw new Error(`${def.id}: unresolved name ${v} in the WGSL program`);
  }, () => {
    throw new Error('no reductions in the fused plan');
  });
  const loads = vectors.filter((v) => v !== 'x' && v !== GRADIENT_VECTOR).map((v) => `      var v_${v} = vec_${v}[idx];`);
  const written = vectors.filter((v) => info.written.has(v));
  const stores = written.map((v) => `      vec_${v}[idx] = v_${v};`);
  const wgsl = `// signcheck fused step kernel: ${def.id} (${def.name}); noise ${cfg.noise ? `${cfg.noise.samplesPerCall}/call` : 'none'}, sigma ${cfg.sigma}, n = ${cfg.workers}
${moduleHeader(cfg, vectors, false)}
${GRID_SIGNATURE('step', wx, wy)}
${GRID_PROLOGUE}
  var acc = vec4<f32>(0.0);
  if (inRange) {
${
  gp
    ? `    var v_x = vec_x[idx];
    let x_old = v_x;
    let ge = vec_${GRADIENT_VECTOR}[idx];
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    if (lid.x == 0u) {
      acc.z = 2.0 * sc_fsum(r, ch.wgx0 + wid.x, 0u);
    }`
    : `    let pr = prob[q];
    var v_x = vec_x[idx];
    let x_old = v_x;
    let dx = v_x - pr.center;
    let ge = pr.diag * dx;
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    acc.z = dot(select(zero, ge * dx, valid), one);`
}
    if (rec.update != 0u && status[r].div < 0) {
      var v_g = ${cfg.workerCenters ? 'noisyc(v_x, pr.diag, q, qg, r)' : 'noisy(ge, q, qg, r)'};
${loads.join('\n')}
${body.join('\n')}
${stores.join('\n')}
      if (rec.last != 0u) {
        acc.w = dot(select(zero, one, valid), select(zero, one, v_x == x_old));
      }
    }
  }
${metricTree(null)}
}
${gp ? fsumFunction(0, gp.partials) : ''}`;
  return {
    plan: 'fused',
    wgsl,
    vectors,
    written,
    bindings: { record: 0, chunk: 1, status: 2, partials: 3, prob: 4, sigma: 5, scalars: null, reductionPartials: null, firstVector: 8 },
    sequence: [...(gp ? [{ dispatch: 'gradient' as const, entry: '', at: 'x', into: GRADIENT_VECTOR, fregion: 0, onlyUpdate: false }] : []), { dispatch: 'grid', entry: 'step', onlyUpdate: false }],
    scalars: [],
    reductionSlots: 0,
    output: 'x',
    traffic: { vectorAccesses: vectors.length + written.length, probReads: gp ? 0 : 1 },
    stateBuffers: vectors.map((v) => ({ label: v, vectors: [v], rowsPerReplica: 1 })),
    extraBindings: [...vectors.map(() => 'storage' as const), ...(cfg.workerCenters ? (['read-only-storage'] as const) : [])],
    dist: null,
  };
}