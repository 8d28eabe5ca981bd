/**
 * @module Row-wise L2 normalisation y = x / ‖x‖ (ε-guarded), as the towers' outputs in Yi et al. 2019.
 * Backward: ∂L/∂x = (g − (g·y) y) / ‖x‖ per row.
 */
import { Tensor, record } from '../../nn/tensor.js';

/** Guard for all-zero rows (their output is zero and so is their gradient scale 1/ε·0). */
const EPS = 1e-12;

export function l2Normalize(x: Tensor): Tensor {
  const D = x.shape[x.ndim - 1]!, rows = x.size / D;
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const norms = new Float32Array(rows);
  const d = x.data, o = out.data;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += d[r * D + j]! ** 2;
    const n = Math.sqrt(s) + EPS;
    norms[r] = n;
    for (let j = 0; j < D; j++) o[r * D + j] = d[r * D + j]! / n;
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let r = 0; r < rows; r++) {
      let gy = 0;
      for (let j = 0; j < D; j++) gy += g[r * D + j]! * o[r * D + j]!;
      for (let j = 0; j < D; j++) gx[r * D + j] = gx[r * D + j]! + (g[r * D + j]! - gy * o[r * D + j]!) / norms[r]!;
    }
  });
  return out;
}
