import { afterEach, describe, expect, it, vi } from 'vitest';
import { gemmRef } from './gemm.ref.js';

describe('RESONATE_NO_WASM=1 forces the TypeScript fallback', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('loads no WASM, allocates ordinary arrays, and still computes the right product and reductions', async () => {
    vi.stubEnv('RESONATE_NO_WASM', '1');
    vi.resetModules();
    const { gemm, gemmBatched, gemmPath } = await import('./gemm.js');
    const kernels = await import('./kernels.js');
    expect(kernels.kernelsBackend).toBe('js');
    expect(kernels.kernelsFallbackReason).toMatch(/RESONATE_NO_WASM/);
    expect(gemmPath(512, 512, 512)).toBe('js');
    const x = kernels.allocF32(100);
    expect(kernels.isWasmBacked(x)).toBe(false);
    x.fill(0.5);
    expect(kernels.sum(x)).toBe(50);
    for (const [transA, transB] of [[false, false], [true, false], [false, true]] as const) {
      const m = 33, n = 17, k = 65;
      const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
      const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
      const c = new Float32Array(m * n).fill(1), want = c.slice();
      gemm({ m, n, k, a, b, c, transA, transB, alpha: 2, beta: 0.5 });
      gemmRef({ m, n, k, a, b, c: want, transA, transB, alpha: 2, beta: 0.5 });
      for (let i = 0; i < m * n; i++) expect(Math.abs(c[i]! - want[i]!)).toBeLessThan(1e-4);
    }
    // Batched: two 2×2 products sharing B = [[1, 2], [3, 4]].
    const c = new Float32Array(8);
    gemmBatched({ batch: 2, m: 2, n: 2, k: 2, a: Float32Array.of(1, 0, 0, 1, 2, 0, 0, 2), b: Float32Array.of(1, 2, 3, 4), c, strideB: 0 });
    expect(Array.from(c)).toEqual([1, 2, 3, 4, 2, 4, 6, 8]);
  });
});
