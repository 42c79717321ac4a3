import { UNIT_ROUNDOFF } from '../core/numerics.ts';
import { ProblemLane, problemNormals } from './random.ts';

/**
 * Small dense linear algebra for building and certifying problem instances. Matrices are
 * row-major Float64Arrays of size n*n.
 */

/**
 * Householder vectors of a random orthogonal matrix by Stewart's method (G. W. Stewart, "The
 * efficient generation of random orthogonal matrices with an application to condition estimators",
 * SIAM J. Numer. Anal. 17, 1980): for j = 0..d-2, x_j ~ N(0, I_{d-j}) (Philox, Purpose.init,
 * lane {@link ProblemLane.rotation}, step j), u_j = (x_j + sign(x_j0) ||x_j|| e_0) / norm, acting on
 * coordinates j..d-1 as P_j = I - 2 u_j u_j^T. Q = P_0 P_1 ... P_{d-2} D (D a random sign diagonal)
 * is Haar-distributed on O(d): it is the Q factor, with the sign fix, of the Householder QR of a
 * Gaussian matrix. D cancels in Q diag(L) Q^T, so it is not drawn.
 *
 * Returns u_j as arrays of length d - j (the tail from coordinate j).
 */
export function stewartReflectors(seed: number, d: number): Float64Array[] {
  const us: Float64Array[] = [];
  for (let j = 0; j + 1 < d; j++) {
    const x = problemNormals(seed, ProblemLane.rotation, j, new Float64Array(d - j));
    let nx = 0;
    for (let i = 0; i < x.length; i++) nx += x[i] * x[i];
    nx = Math.sqrt(nx);
    const s = x[0] >= 0 ? 1 : -1;
    x[0] += s * nx;
    let nu = 0;
    for (let i = 0; i < x.length; i++) nu += x[i] * x[i];
    nu = Math.sqrt(nu);
    // nu >= ||x|| > 0 with probability one; a zero draw would leave P_j = I.
    if (nu > 0) for (let i = 0; i < x.length; i++) x[i] /= nu;
    us.push(x);
  }
  return us;
}

/**
 * M <- P M P for P = I - 2 u u^T with unit u supported on coordinates j..n-1 (u given as its tail).
 * With w = M u and alpha = u^T w: P M P = M - u v^T - v u^T, v = 2 w - 2 alpha u. Cost O(n (n - j)).
 */
export function reflectSymmetric(M: Float64Array, n: number, j: number, u: Float64Array): void {
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    const row = k * n + j;
    for (let l = 0; l < u.length; l++) s += M[row + l] * u[l];
    w[k] = s;
  }
  let alpha = 0;
  for (let l = 0; l < u.length; l++) alpha += u[l] * w[j + l];
  const v = new Float64Array(n);
  for (let k = 0; k < n; k++) v[k] = 2 * w[k];
  for (let l = 0; l < u.length; l++) v[j + l] -= 2 * alpha * u[l];
  // M_kl -= u_k v_l + v_k u_l, where u_k = 0 for k < j.
  for (let k = 0; k < n; k++) {
    const uk = k >= j ? u[k - j] : 0;
    const vk = v[k];
    const row = k * n;
    if (uk !== 0) for (let l = 0; l < n; l++) M[row + l] -= uk * v[l];
    for (let l = 0; l < u.length; l++) M[row + j + l] -= vk * u[l];
  }
}

/** Q diag(L) Q^T for Q = P_0 ... P_{d-2} (reflectors from {@link stewartReflectors}), exactly symmetrised. */
export function rotatedDiagonal(L: Float64Array, us: readonly Float64Array[]): Float64Array {
  const n = L.length;
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) M[i * n + i] = L[i];
  for (let j = us.length - 1; j >= 0; j--) reflectSymmetric(M, n, j, us[j]);
  for (let i = 0; i < n; i++) {
    for (let k = i + 1; k < n; k++) {
      const a = 0.5 * (M[i * n + k] + M[k * n + i]);
      M[i * n + k] = a;
      M[k * n + i] = a;
    }
  }
  return M;
}

/** The orthogonal matrix Q = P_0 ... P_{d-2} itself (row-major), for tests and reports. */
export function reflectorProduct(n: number, us: readonly Float64Array[]): Float64Array {
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  // Q <- Q P_j for j = 0..: column operation on columns j..n-1.
  for (let j = 0; j < us.length; j++) {
    const u = us[j];
    for (let r = 0; r < n; r++) {
      const row = r * n + j;
      let s = 0;
      for (let l = 0; l < u.length; l++) s += Q[row + l] * u[l];
      for (let l = 0; l < u.length; l++) Q[row + l] -= 2 * s * u[l];
    }
  }
  return Q;
}

/** y = M x for an n x n row-major M. */
export function matVec(M: Float64Array, n: number, x: Float64Array, y: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += M[row + j] * x[j];
    y[i] = s;
  }
  return y;
}

/**
 * Eigenvalues of a symmetric matrix by the cyclic Jacobi method (ascending), with a bound on their
 * error. Sweeps stop when the off-diagonal Frobenius norm is below 1e-15 ||A||_F. The returned
 * `errorBound` = off_F + 8 n sweeps u ||A||_F: by Weyl's inequality the diagonal differs from the
 * spectrum of the final rotated matrix by at most off_F, and each plane rotation perturbs the
 * spectrum by O(u ||A||_F) (Jacobi is backward stable); 8 n per sweep is a generous constant for it.
 */
export function symmetricEigenvalues(A: Float64Array, n: number, maxSweeps = 60): { values: Float64Array; errorBound: number } {
  const a = A.slice();
  let fro = 0;
  for (let i = 0; i < n * n; i++) fro += a[i] * a[i];
  fro = Math.sqrt(fro);
  const offNorm = (): number => {
    let s = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) s += 2 * a[p * n + q] * a[p * n + q];
    return Math.sqrt(s);
  };
  let sweeps = 0;
  let off = offNorm();
  while (off > 1e-15 * fro && sweeps < maxSweeps) {
    sweeps++;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
    off = offNorm();
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  values.sort();
  return { values, errorBound: off + 8 * n * Math.max(sweeps, 1) * UNIT_ROUNDOFF * fro };
}

/**
 * ||H||_{inf -> 1} = max_{||v||_inf <= 1} ||H v||_1 = max over sign vectors s of ||H s||_1 (a convex
 * function is maximised at a vertex of the cube), by enumerating the 2^(n-1) sign vectors with
 * s_{n-1} = +1 (||H(-s)||_1 = ||H s||_1) in Gray-code order, updating H s by one column per flip
 * (H s is recomputed from scratch every 64 flips to stop rounding drift). Exponential: n <= 20.
 * The maximiser's value is recomputed directly at the end.
 */
export function maxSignNormInfTo1(H: Float64Array, n: number): { value: number; argmax: Float64Array } {
  if (n > 20) throw new Error(`maxSignNormInfTo1 enumerates 2^(n-1) sign vectors; n = ${n} is too large`);
  const s = new Float64Array(n).fill(1);
  const hs = new Float64Array(n);
  const refresh = (): void => {
    matVec(H, n, s, hs);
  };
  refresh();
  const l1 = (): number => {
    let t = 0;
    for (let i = 0; i < n; i++) t += Math.abs(hs[i]);
    return t;
  };
  let best = l1();
  let bestS = s.slice();
  const count = n > 1 ? 2 ** (n - 1) : 1;
  for (let g = 1; g < count; g++) {
    // Gray code: flip bit = index of the lowest set bit of g.
    const k = 31 - Math.clz32(g & -g);
    const sk = s[k];
    s[k] = -sk;
    if (g % 64 === 0) refresh();
    else for (let i = 0; i < n; i++) hs[i] -= 2 * sk * H[i * n + k];
    const v = l1();
    if (v > best) {
      best = v;
      bestS = s.slice();
    }
  }
  const exact = matVec(H, n, bestS, new Float64Array(n));
  let value = 0;
  for (let i = 0; i < n; i++) value += Math.abs(exact[i]);
  return { value, argmax: bestS };
}

/**
 * Solves A x = b for symmetric positive definite A (row-major n x n) by Cholesky factorisation.
 * Returns undefined when A is not numerically positive definite.
 */
export function choleskySolve(A: Float64Array, n: number, b: Float64Array): Float64Array | undefined {
  const Lf = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= Lf[i * n + k] * Lf[j * n + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        Lf[i * n + i] = Math.sqrt(s);
      } else {
        Lf[i * n + j] = s / Lf[j * n + j];
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= Lf[i * n + k] * y[k];
    y[i] = s / Lf[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= Lf[k * n + i] * x[k];
    x[i] = s / Lf[i * n + i];
  }
  return x;
}
