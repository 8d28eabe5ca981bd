/**
 * @module Reference GEMM in plain TypeScript: slow, obviously correct, the twin every fast kernel is tested against.
 */

export interface GemmArgs {
  /** Use Aᵀ: A is stored K×M instead of M×K. */
  transA?: boolean;
  /** Use Bᵀ: B is stored N×K instead of K×N. */
  transB?: boolean;
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  alpha?: number;
  /** 0 overwrites C (default), 1 accumulates into it. */
  beta?: number;
}

/** C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C. */
export function gemmRef(args: GemmArgs): void {
  const { m, n, k, a, b, c, transA = false, transB = false, alpha = 1, beta = 0 } = args;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i]! : a[i * k + p]!;
        const bv = transB ? b[j * k + p]! : b[p * n + j]!;
        s += av * bv;
      }
      c[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]!);
    }
  }
}
