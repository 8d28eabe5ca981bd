/**
 * @module 1-D convolution over time, channels-last: x [B, T, Cin], weight [Cout, K, Cin], bias [Cout] →
 * [B, T + 2·padding − K + 1, Cout] (stride 1, zero padding). Implemented as im2col + one gemm: each output step
 * reads a contiguous window of K·Cin values, so the columns matrix is [B·Tout, K·Cin] and y = cols · Wᵀ.
 * Note the weight layout differs from PyTorch's [Cout, Cin, K]: W_ours[o, k, c] = W_torch[o, c, k].
 */
import { createError } from '../../core/errors.js';
import { gemm } from '../../math/gemm.js';
import { Tensor, record } from '../tensor.js';

export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, padding = 0): Tensor {
  if (x.ndim !== 3 || weight.ndim !== 3 || weight.shape[2] !== x.shape[2]) {
    throw createError('SHAPE_MISMATCH', { op: 'conv1d', problem: `expected x [B, T, Cin] and weight [Cout, K, Cin], got [${x.shape.join(', ')}] and [${weight.shape.join(', ')}]` });
  }
  const [B, T, Cin] = x.shape as [number, number, number];
  const [Cout, K] = weight.shape as [number, number];
  const Tout = T + 2 * padding - K + 1;
  if (Tout < 1) throw createError('SHAPE_MISMATCH', { op: 'conv1d', problem: `sequence of ${T} steps (padding ${padding}) is shorter than the kernel ${K}` });
  const KC = K * Cin, rows = B * Tout;
  const cols = new Float32Array(rows * KC);
  const xd = x.data;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < Tout; t++) {
      const row = (b * Tout + t) * KC;
      const t0 = t - padding;
      if (t0 >= 0 && t0 + K <= T) {
        cols.set(xd.subarray((b * T + t0) * Cin, (b * T + t0 + K) * Cin), row);
      } else {
        for (let k = 0; k < K; k++) {
          const ti = t0 + k;
          if (ti >= 0 && ti < T) cols.set(xd.subarray((b * T + ti) * Cin, (b * T + ti + 1) * Cin), row + k * Cin);
        }
      }
    }
  }
  const out = new Tensor(new Float32Array(rows * Cout), [B, Tout, Cout]);
  const Y = out.data;
  if (bias !== null) for (let r = 0; r < rows; r++) Y.set(bias.data, r * Cout);
  gemm({ m: rows, n: Cout, k: KC, a: cols, b: weight.data, c: Y, transB: true, beta: bias === null ? 0 : 1 });
  record(out, bias === null ? [x, weight] : [x, weight, bias], () => {
    const G = out.grad!;
    if (weight.requiresGrad) gemm({ m: Cout, n: KC, k: rows, a: G, transA: true, b: cols, c: weight.ensureGrad(), beta: 1 });
    if (bias !== null && bias.requiresGrad) {
      const gb = bias.ensureGrad();
      for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < Cout; j++, i++) gb[j] = gb[j]! + G[i]!;
    }
    if (x.requiresGrad) {
      const dcols = new Float32Array(rows * KC);
      gemm({ m: rows, n: KC, k: Cout, a: G, b: weight.data, c: dcols });
      const gx = x.ensureGrad();
      // col2im: scatter-add each window back onto the time steps it read.
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < Tout; t++) {
          const row = (b * Tout + t) * KC;
          for (let k = 0; k < K; k++) {
            const ti = t - padding + k;
            if (ti < 0 || ti >= T) continue;
            const dst = (b * T + ti) * Cin, src = row + k * Cin;
            for (let c = 0; c < Cin; c++) gx[dst + c] = gx[dst + c]! + dcols[src + c]!;
          }
        }
      }
    }
  });
  return out;
}
