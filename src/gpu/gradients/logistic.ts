import { gamma } from '../../core/numerics.ts';
import type { LogisticSplit } from '../../problems/logistic-core.ts';
import { LOG1P_ATANH_WGSL } from '../wgsl-math.ts';
import { checkShape, defaultShape, f32Lit, FIXED_BINDINGS, fTree, moduleHeader, gridEntry, U32, U64, F32_TINY, type GradientKernel } from './common.ts';

/** What the pass needs from a logistic-regression problem (a LogisticProblem has both fields). */
export interface LogisticData {
  readonly train: LogisticSplit;
  readonly lambda: number;
}

/**
 * WGSL for the stable logistic pieces, float32:
 *   lg_sigmoid(t) = 1 / (1 + e^-t) for t >= 0, e^t / (1 + e^t) otherwise (never exp of a large positive number);
 *   lg_softplus(t) = max(t, 0) + log1p(e^-|t|), log1p(v) = 2 atanh(v / (2 + v)) by the odd series to s^17/17
 *   (s = v/(2 + v) <= 1/3: truncation s^19/19 / atanh(s) < 2e-10, far below u), since WGSL has no log1p
 *   and its log near 1 is only 2^-21-accurate in absolute terms.
 */
const LOGISTIC_FNS_WGSL = /* wgsl */ `
${LOG1P_ATANH_WGSL}fn lg_softplus(t: f32) -> f32 {
  return max(t, 0.0) + wm_log1p_atanh(exp(-abs(t)));
}
fn lg_sigmoid(t: f32) -> f32 {
  if (t >= 0.0) { return 1.0 / (1.0 + exp(-t)); }
  let e = exp(t);
  return e / (1.0 + e);
}
`;

/**
 * WGSL gradient passes for L2-regularised logistic regression (src/problems/logistic-core.ts,
 * logisticRegression; the families logistic-regression, mushroom, logistic-synthetic):
 *   f(w) = (1/m) sum_i softplus(-y_i <a_i, w>) + lambda/2 ||w||^2,
 *   grad f(w)_j = lambda w_j + sum_i coef_i a_ij,   coef_i = -y_i sigmoid(-y_i <a_i, w>) / m,
 * the FULL training-set mean, as the CPU problem's grad (the CPU engine never subsamples rows: its
 * stochastic gradient is grad f plus the noise model's draws, and Purpose.sample has no consumer yet;
 * a minibatch-of-rows oracle needs a CPU definition first, then a third pass).
 * Two passes per chunk of whole replica rows (coordinateSplit = false):
 *   'margins' over (data row i, replica): z_i = <a_i, w> from CSR (the CPU's order), t = -y_i z_i,
 *     scratch coef[rl m + i] = (-y_i sigmoid(t)) (1/m), and the f partial of softplus(t) (1/m) over the
 *     workgroup's rows at fpart[r P + wid.x];
 *   'gather' over (quad, replica): g_j = lambda w_j + sum over column j's nonzeros (CSC, rows
 *     ascending, so the CPU's order of additions) of coef_i a_ij; the f partial of lambda/2 w.w at
 *     fpart[r P + ceil(m / wx) + wid.x].
 * P = ceil(m / wx) + ceil(dq / wx). Data: CSR (rowptr, cols, vals), labels, CSC (colptr over 4 dq
 * columns, rows, vals). Scratch: m floats per replica of the chunk (the plan sizes replica chunks
 * so that rows m 4 bytes fit one binding). Error bound: {@link logisticBounds}.
 */
export function logisticGradientKernel(data: LogisticData, options: { wx?: number; wy?: number } = {}): GradientKernel {
  const { A, y } = data.train;
  const m = A.rows;
  const d = A.cols;
  const dq = Math.ceil(d / 4);
  const shape = defaultShape(dq);
  const wx = options.wx ?? shape.wx;
  const wy = options.wy ?? (options.wx ? Math.max(1, 64 / wx) : shape.wy);
  checkShape(wx, wy);
  const nRowGroups = Math.ceil(m / wx);
  const P = nRowGroups + Math.ceil(dq / wx);
  const nnz = A.indptr[m];
  // CSC by a counting pass; rows ascending within each column
  const colptr = new Uint32Array(4 * dq + 1);
  for (let p = 0; p < nnz; p++) colptr[A.indices[p] + 1]++;
  for (let j = 0; j < 4 * dq; j++) colptr[j + 1] += colptr[j];
  const fill = colptr.slice(0, 4 * dq);
  const cscRows = new Uint32Array(Math.max(1, nnz));
  const cscVals = new Float32Array(Math.max(1, nnz));
  for (let i = 0; i < m; i++) {
    for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) {
      const k = fill[A.indices[p]]++;
      cscRows[k] = i;
      cscVals[k] = A.values[p];
    }
  }
  const rowptr = Uint32Array.from(A.indptr);
  const cols = nnz > 0 ? Uint32Array.from(A.indices.subarray(0, nnz)) : new Uint32Array(1);
  const vals = nnz > 0 ? Float32Array.from(A.values.subarray(0, nnz)) : new Float32Array(1);
  const labels = Float32Array.from(y);
  const invM = f32Lit(1 / m);
  const lam = f32Lit(data.lambda);
  const wgsl = `// signcheck gradient passes: logistic regression (m = ${m}, d = ${d}, nnz = ${nnz}, lambda = ${data.lambda})
${moduleHeader(wx, wy)}@group(0) @binding(4) var<storage, read> rowptr: array<u32>;
@group(0) @binding(5) var<storage, read> cols: array<u32>;
@group(0) @binding(6) var<storage, read> vals: array<f32>;
@group(0) @binding(7) var<storage, read> labels: array<f32>;
@group(0) @binding(8) var<storage, read> colptr: array<u32>;
@group(0) @binding(9) var<storage, read> cscrows: array<u32>;
@group(0) @binding(10) var<storage, read> cscvals: array<f32>;
@group(0) @binding(11) var<storage, read_write> coef: array<f32>;
const M: u32 = ${m}u;
const DQ: u32 = ${dq}u;
${LOGISTIC_FNS_WGSL}
@compute @workgroup_size(${wx}, ${wy})
fn margins(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let i = wid.x * ${wx}u + lid.x;
  let rl = wid.y * ${wy}u + lid.y;
  let li = lid.y * ${wx}u + lid.x;
  let r = ch.r0 + rl;
  var acc = 0.0;
  if (i < M && rl < ch.rows) {
    let base = rl * DQ;
    var z = 0.0;
    for (var p = rowptr[i]; p < rowptr[i + 1u]; p = p + 1u) {
      let j = cols[p];
      z = z + vals[p] * xs[base + (j >> 2u)][j & 3u];
    }
    let yi = labels[i];
    let t = -yi * z;
    coef[rl * M + i] = (-yi * lg_sigmoid(t)) * ${invM};
    acc = lg_softplus(t) * ${invM};
  }
${fTree('acc', wx, P, '0u')}
}

${gridEntry('gather', wx, wy)}
  let zero = vec4<f32>(0.0);
  var acc = 0.0;
  if (inRange) {
    let w = xs[idx];
    var gq = ${lam} * w;
    for (var k = 0u; k < 4u; k = k + 1u) {
      let j = qg * 4u + k;
      var s = gq[k];
      for (var p = colptr[j]; p < colptr[j + 1u]; p = p + 1u) {
        s = s + coef[rl * M + cscrows[p]] * cscvals[p];
      }
      gq[k] = s;
    }
    gs[idx] = select(zero, gq, valid);
    let wm = select(zero, w, valid);
    acc = (0.5 * ${lam}) * dot(wm, wm);
  }
${fTree('acc', wx, P, `${nRowGroups}u + ch.wgx0`)}
}
`;
  return {
    family: 'logistic-regression',
    d,
    dq,
    wgsl,
    wx,
    wy,
    bindings: [
      ...FIXED_BINDINGS,
      { role: 'data', name: 'rowptr', kind: 'read-only-storage', data: rowptr },
      { role: 'data', name: 'cols', kind: 'read-only-storage', data: cols },
      { role: 'data', name: 'vals', kind: 'read-only-storage', data: vals },
      { role: 'data', name: 'labels', kind: 'read-only-storage', data: labels },
      { role: 'data', name: 'colptr', kind: 'read-only-storage', data: colptr },
      { role: 'data', name: 'cscrows', kind: 'read-only-storage', data: cscRows },
      { role: 'data', name: 'cscvals', kind: 'read-only-storage', data: cscVals },
      { role: 'scratch', name: 'coef', kind: 'storage' },
    ],
    passes: [
      { entry: 'margins', grid: 'data-rows' },
      { entry: 'gather', grid: 'quads' },
    ],
    dataRows: m,
    fPartialsPerReplica: P,
    fConstant: 0,
    coordinateSplit: false,
    scratchFloatsPerReplica: m,
  };
}

/** Float64 sigmoid as the CPU computes it (logistic-core.ts). */
function sigmoid64(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}
function softplus64(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/**
 * Float32 + float64 error bounds of {@link logisticGradientKernel} at R x d iterates (float32 values),
 * first order, u = 2^-24, u64 = 2^-53, gamma_n = n u/(1 - n u); "e^" below is WGSL exp, relative
 * (6 + 4|x|)u (3 + 2|x| ULP) plus 2^-126 absolute where the result may be flushed to 0; division 5u.
 *   z_i (nnz_i sequential products): |dz| <= (u + gamma_nnz(u) + gamma_nnz(u64)) sum_p |a_p w_p| (a_p rounded);
 *   sigmoid: t >= 0: relative eps e/(1 + e) + 6u (e = e^-t); t < 0: 2 eps + 6u (e = e^t), eps = (6 + 4|t|)u,
 *     plus 2^-126; and sigma(1 - sigma)|dz| from the margin. CPU: 3 u64 relative plus the same |dz| term.
 *   coef = (-y sigma)(1/m): + 2u (1/m rounded, product).
 *   softplus: log1p(v), v = e^-|t|: relative 1.125 (eps + 6u) + 3u (v/(2 + v): eps + 6u; atanh condition
 *     <= 9/8 at s <= 1/3; series 3u), then max(t, 0) + . : + u; and sigma(t)|dz|; (1/m): + 2u.
 *   g_j = lambda w_j + sum_{i in col j} coef_i a_ij, sequential (nnz_j + 1 terms): sum |a_ij| |dcoef_i| +
 *     (u + gamma_{nnz_j+1}(u) + gamma_{nnz_j+1}(u64)) (|lambda w_j| + sum |coef_i a_ij|) + u|lambda w_j|.
 *   f: partial trees of log2 wx levels over rows and over quads (the regulariser: <= 6 roundings per term
 *     before the tree), plus the CPU's sequential sums (gamma_m, gamma_d in u64).
 */
export function logisticBounds(data: LogisticData, x: Float64Array, R: number, wx: number): { eg: Float64Array; ef: Float64Array } {
  const { A, y } = data.train;
  const lambda = data.lambda;
  const m = A.rows;
  const d = A.cols;
  const eg = new Float64Array(R * d);
  const ef = new Float64Array(R);
  const coef = new Float64Array(m);
  const dcoef = new Float64Array(m);
  const colAbs = new Float64Array(d);
  const colProp = new Float64Array(d);
  const colNnz = new Float64Array(d);
  for (let p = 0; p < A.indptr[m]; p++) colNnz[A.indices[p]]++;
  const tree = Math.log2(wx);
  for (let r = 0; r < R; r++) {
    const w = x.subarray(r * d, (r + 1) * d);
    colAbs.fill(0);
    colProp.fill(0);
    let lossSum = 0;
    let lossErr = 0;
    for (let i = 0; i < m; i++) {
      let z = 0;
      let abs = 0;
      const n = A.indptr[i + 1] - A.indptr[i];
      for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) {
        z += A.values[p] * w[A.indices[p]];
        abs += Math.abs(A.values[p] * w[A.indices[p]]);
      }
      const dz = (U32 + gamma(n, U32) + gamma(n, U64)) * abs;
      const t = -y[i] * z;
      const at = Math.abs(t);
      const sg = sigmoid64(t);
      const eps = (6 + 4 * at) * U32;
      const eNeg = Math.exp(-at);
      const relSig32 = t >= 0 ? (eps * eNeg) / (1 + eNeg) + 6 * U32 : 2 * eps + 6 * U32;
      const dsg = sg * (relSig32 + 3 * U64) + sg * (1 - sg) * dz + 2 * F32_TINY;
      coef[i] = (-y[i] * sg) / m;
      dcoef[i] = dsg / m + (2 * U32 + U64) * Math.abs(coef[i]);
      const sp = softplus64(t);
      const l1p = Math.log1p(eNeg);
      const dsp = l1p * (1.125 * (eps + 6 * U32) + 3 * U32) + U32 * sp + sg * dz + 4 * U64 * sp + 2 * F32_TINY;
      lossSum += sp / m;
      lossErr += dsp / m + (2 * U32 + U64) * (sp / m);
      for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) {
        const j = A.indices[p];
        colAbs[j] += Math.abs(coef[i] * A.values[p]);
        colProp[j] += Math.abs(A.values[p]) * dcoef[i];
      }
    }
    let reg = 0;
    for (let j = 0; j < d; j++) {
      const lw = Math.abs(lambda * w[j]);
      const n = colNnz[j] + 1;
      eg[r * d + j] = colProp[j] + (U32 + gamma(n, U32) + gamma(n, U64)) * (lw + colAbs[j]) + U32 * lw;
      reg += 0.5 * lambda * w[j] * w[j];
    }
    ef[r] = lossErr + (gamma(tree, U32) + gamma(m + 1, U64)) * (lossSum + lossErr) + (gamma(6 + tree, U32) + gamma(d + 2, U64)) * reg;
  }
  return { eg, ef };
}
