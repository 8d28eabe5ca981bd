/**
 * @module Matrix products through `gemm` (src/math/gemm.ts): matmul, batched matmul with transposes, linear.
 *
 * For C = op(A)·op(B): ∂op(A) = ∂C·op(B)ᵀ and ∂op(B) = op(A)ᵀ·∂C. Every gradient is one more gemm with
 * beta = 1, accumulating straight into the input's gradient buffer (no temporaries).
 */
import { createError } from '../../core/errors.js';
import { gemm } from '../../math/gemm.js';
import { sumRowsInto } from '../../math/nn-kernels.js';
import { Tensor, record } from '../tensor.js';

export interface MatmulOptions {
  /** Use the transpose of the last two axes of `a`. */
  transA?: boolean;
  /** Use the transpose of the last two axes of `b`. */
  transB?: boolean;
  /** Scale of the product (folded into gemm, e.g. 1/√d for attention scores). Default 1. */
  alpha?: number;
}

function lead(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length - 2; i++) n *= shape[i]!;
  return n;
}

/**
 * op(a) · op(b) over the last two axes; leading axes are batch axes (equal, or absent / 1 on one side, which is
 * then shared). A 2-D `b` with an untransposed N-D `a` is one big gemm over the flattened rows of `a`.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transA = options.transA ?? false, transB = options.transB ?? false, alpha = options.alpha ?? 1;
  if (a.ndim < 2 || b.ndim < 2) throw createError('SHAPE_MISMATCH', { op: 'matmul', problem: `needs at least 2-D inputs, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]` });
  const ar = a.shape[a.ndim - 2]!, ac = a.shape[a.ndim - 1]!;
  const br = b.shape[b.ndim - 2]!, bc = b.shape[b.ndim - 1]!;
  let m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) throw createError('SHAPE_MISMATCH', { op: 'matmul', problem: `inner sizes differ: op(a) is ${m}×${k}, op(b) is ${kb}×${n}` });
  let batchA = lead(a.shape);
  const batchB = lead(b.shape);
  let outLead: number[];
  if (b.ndim === 2 && !transA) {
    // Fold a's batch into its rows.
    m *= batchA;
    batchA = 1;
    outLead = a.shape.slice(0, -2);
  } else {
    if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
      throw createError('SHAPE_MISMATCH', { op: 'matmul', problem: `batch sizes differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]` });
    }
    outLead = (batchA >= batchB ? a : b).shape.slice(0, -2);
  }
  const rowsOut = b.ndim === 2 && !transA ? m / Math.max(1, lead(a.shape)) : m;
  const batch = Math.max(batchA, batchB);
  const out = new Tensor(new Float32Array(batch * m * n), [...outLead, rowsOut, n]);
  const sa = m * k, sb = k * n, sc = m * n;
  const A = a.data, B = b.data, C = out.data;
  if (batch === 1) gemm({ m, n, k, a: A, b: B, c: C, transA, transB, alpha });
  else {
    for (let i = 0; i < batch; i++) {
      gemm({
        m, n, k, transA, transB, alpha,
        a: batchA === 1 ? A : A.subarray(i * sa, (i + 1) * sa),
        b: batchB === 1 ? B : B.subarray(i * sb, (i + 1) * sb),
        c: C.subarray(i * sc, (i + 1) * sc),
      });
    }
  }
  record(out, [a, b], () => {
    const G = out.grad!;
    for (let i = 0; i < batch; i++) {
      const g = batch === 1 ? G : G.subarray(i * sc, (i + 1) * sc);
      const av = batchA === 1 ? A : A.subarray(i * sa, (i + 1) * sa);
      const bv = batchB === 1 ? B : B.subarray(i * sb, (i + 1) * sb);
      if (a.requiresGrad) {
        const GA = a.ensureGrad();
        const ga = batchA === 1 ? GA : GA.subarray(i * sa, (i + 1) * sa);
        if (!transA) gemm({ m, n: k, k: n, a: g, b: bv, c: ga, transB: !transB, alpha, beta: 1 });
        else gemm({ m: k, n: m, k: n, a: bv, transA: transB, b: g, transB: true, c: ga, alpha, beta: 1 });
      }
      if (b.requiresGrad) {
        const GB = b.ensureGrad();
        const gb = batchB === 1 ? GB : GB.subarray(i * sb, (i + 1) * sb);
        if (!transB) gemm({ m: k, n, k: m, a: av, transA: !transA, b: g, c: gb, alpha, beta: 1 });
        else gemm({ m: n, n: k, k: m, a: g, transA: true, b: av, transB: transA, c: gb, alpha, beta: 1 });
      }
    }
  });
  return out;
}

/**
 * y = x·Wᵀ + b, W stored [out, in] as in PyTorch; x is [..., in]. One gemm forward, two (plus a column sum) back.
 */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null): Tensor {
  const inF = w.shape[1]!, outF = w.shape[0]!;
  if (w.ndim !== 2 || x.shape[x.ndim - 1] !== inF) {
    throw createError('SHAPE_MISMATCH', { op: 'linear', problem: `input [${x.shape.join(', ')}] does not end in ${inF} (weight [${w.shape.join(', ')}])` });
  }
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== outF)) {
    throw createError('SHAPE_MISMATCH', { op: 'linear', problem: `bias [${b.shape.join(', ')}] should be [${outF}]` });
  }
  const rows = x.size / inF;
  const out = new Tensor(new Float32Array(rows * outF), [...x.shape.slice(0, -1), outF]);
  const Y = out.data;
  if (b !== null) fillRows(Y, b.data);
  gemm({ m: rows, n: outF, k: inF, a: x.data, b: w.data, c: Y, transB: true, beta: b === null ? 0 : 1 });
  record(out, b === null ? [x, w] : [x, w, b], () => {
    const G = out.grad!;
    if (x.requiresGrad) gemm({ m: rows, n: inF, k: outF, a: G, b: w.data, c: x.ensureGrad(), beta: 1 });
    if (w.requiresGrad) gemm({ m: outF, n: inF, k: rows, a: G, transA: true, b: x.data, c: w.ensureGrad(), beta: 1 });
    if (b !== null && b.requiresGrad) sumRowsInto(G, rows, outF, b.ensureGrad());
  });
  return out;
}

/** @internal Repeats `row` over every row of y (y.length a multiple of row.length) in log₂(rows) block copies. */
export function fillRows(y: Float32Array, row: Float32Array): void {
  if (y.length === 0) return;
  y.set(row, 0);
  for (let filled = row.length; filled < y.length; filled *= 2) y.copyWithin(filled, 0, Math.min(filled, y.length - filled));
}
