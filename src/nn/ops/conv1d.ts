/**
 * @module 1-D convolution over time, channels-last: x [B, T, Cin], weight [Cout, K, Cin], bias [Cout] →
 * [B, T + 2·padding − K + 1, Cout] (stride 1, zero padding). Implemented as im2col + one gemm: each output step
 * reads a contiguous window of K·Cin values, so the columns matrix is [B·Tout, K·Cin] and y = cols · Wᵀ
 * (im2col and its adjoint col2im are SIMD kernels of src/math/nn-kernels.ts).
 * Note the weight layout differs from PyTorch's [Cout, Cin, K]: W_ours[o, k, c] = W_torch[o, c, k].
 */
import { createError } from '../../core/errors.js';
import { gemm } from '../../math/gemm.js';
import { allocF32, freeF32 } from '../../math/kernels.js';
import { col2im, im2col, sumRowsInto, type Conv1dShape } from '../../math/nn-kernels.js';
import { Tensor, record } from '../tensor.js';
import { fillRows } from './matmul.js';

export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, padding = 0): Tensor {
  if (x.ndim !== 3 || weight.ndim !== 3 || weight.shape[2] !== x.shape[2]) {
    throw createError('SHAPE_MISMATCH', { op: 'conv1d', problem: `expected x [B, T, Cin] and weight [Cout, K, Cin], got [${x.shape.join(', ')}] and [${weight.shape.join(', ')}]` });
  }
  const [B, T, Cin] = x.shape as [number, number, number];
  const [Cout, K] = weight.shape as [number, number];
  const Tout = T + 2 * padding - K + 1;
  if (Tout < 1) throw createError('SHAPE_MISMATCH', { op: 'conv1d', problem: `sequence of ${T} steps (padding ${padding}) is shorter than the kernel ${K}` });
  const KC = K * Cin, rows = B * Tout;
  const shape: Conv1dShape = { B, T, Cin, K, pad: padding, Tout };
  const xd = x.data;
  // The columns matrix lives in a reused WASM-resident scratch (no staging copy for the gemm, no fresh tens-of-MB-a-step
  // allocations) and is rebuilt in backward rather than kept: im2col is a copy, far cheaper than the products.
  const cols = columnScratch(0, rows * KC);
  im2col(xd, cols, shape);
  const out = new Tensor(new Float32Array(rows * Cout), [B, Tout, Cout]);
  const Y = out.data;
  if (bias !== null) fillRows(Y, bias.data);
  gemm({ m: rows, n: Cout, k: KC, a: cols, b: weight.data, c: Y, transB: true, beta: bias === null ? 0 : 1 });
  record(out, bias === null ? [x, weight] : [x, weight, bias], () => {
    const G = out.grad!;
    if (weight.requiresGrad) {
      const again = columnScratch(0, rows * KC);
      im2col(xd, again, shape);
      gemm({ m: Cout, n: KC, k: rows, a: G, transA: true, b: again, c: weight.ensureGrad(), beta: 1 });
    }
    if (bias !== null && bias.requiresGrad) sumRowsInto(G, rows, Cout, bias.ensureGrad());
    if (x.requiresGrad) {
      const dcols = columnScratch(1, rows * KC);
      gemm({ m: rows, n: KC, k: Cout, a: G, b: weight.data, c: dcols });
      // col2im: scatter-add each window back onto the time steps it read.
      col2im(dcols, x.ensureGrad(), shape);
    }
  });
  return out;
}

/** Two reused column buffers (forward / backward columns, column gradients), grown on demand. */
const scratch: Array<Float32Array | null> = [null, null];

/** A view of n floats of scratch buffer `which`, in WASM memory when the kernels are loaded. */
function columnScratch(which: 0 | 1, n: number): Float32Array {
  let buf = scratch[which]!;
  if (buf === null || buf.length < n) {
    if (buf !== null) freeF32(buf);
    buf = allocF32(Math.max(n, 1024));
    scratch[which] = buf;
  }
  return buf.subarray(0, n);
}
