import { describe, expect, it } from 'vitest';
import { gemmRef } from '../gemm.ref.js';
import { wasmKernels } from '../wasm/module.js';
import { createGemmPool } from './gemm-pool.js';

describe.skipIf(wasmKernels === null)('GEMM worker pool', () => {
  it('runs one block per thread on the shared memory, then shuts down', async () => {
    const kernels = wasmKernels!;
    const pool = createGemmPool(kernels, { workers: 1 });
    expect(pool.threads).toBe(2);
    const m = 10, n = 6, k = 5;
    const a = kernels.heap.allocF32(m * k), b = kernels.heap.allocF32(k * n), c = kernels.heap.allocF32(m * n);
    a.forEach((_, i) => (a[i] = (i % 7) - 3));
    b.forEach((_, i) => (b[i] = (i % 5) - 2));
    const whole = { transA: 0, transB: 0, n, k, alpha: 1, lda: k, b: b.byteOffset, ldb: n, beta: 0, ldc: n };
    // Rows 0..3 on this thread, rows 4..9 on the worker; run twice to exercise the sequence counter.
    for (let round = 0; round < 2; round++) {
      c.fill(NaN);
      pool.run([
        { ...whole, m: 4, a: a.byteOffset, c: c.byteOffset },
        { ...whole, m: 6, a: a.byteOffset + 4 * 4 * k, c: c.byteOffset + 4 * 4 * n },
      ]);
      const want = new Float32Array(m * n);
      gemmRef({ m, n, k, a, b, c: want });
      expect(Array.from(c)).toEqual(Array.from(want)); // small integers: exact in float32
    }
    await pool.close();
    for (const x of [a, b, c]) kernels.heap.free(x);
  });
});
