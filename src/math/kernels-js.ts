/**
 * @module Plain TypeScript kernels: the fallback when WebAssembly SIMD is unavailable, and the fast path for
 * problems too small to repay a call into WASM. Loop orders keep the innermost loop on contiguous memory.
 */
import type { GemmArgs } from './gemm.ref.js';

/**
 * C = alpha · op(A) · op(B) + beta · C (same contract as gemmRef), with cache-friendly loop orders:
 * NN and TN stream rows of B into a row of C (i-p-j), NT and TT take dot products of contiguous rows.
 */
export function gemmJs(args: GemmArgs): void {
  const { m, n, k, a, b, c, transA = false, transB = false, alpha = 1, beta = 0 } = args;
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    if (beta === 0) c.fill(0, ci, ci + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[ci + j] = beta * c[ci + j]!;
  }
  if (k === 0 || alpha === 0) return;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const av = alpha * (transA ? a[p * m + i]! : a[i * k + p]!);
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j]!;
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      if (transA) for (let p = 0; p < k; p++) s += a[p * m + i]! * b[bj + p]!;
      else {
        const ai = i * k;
        for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
      }
      c[ci + j] += alpha * s;
    }
  }
}
