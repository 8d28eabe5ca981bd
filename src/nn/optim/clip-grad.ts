/**
 * @module Gradient clipping by global norm (Pascanu et al. 2013): if ‖g‖₂ over all parameters exceeds maxNorm,
 * scale every gradient (dense and sparse rows) by maxNorm / (‖g‖₂ + 1e-6), as PyTorch's clip_grad_norm_.
 */
import type { Tensor } from '../tensor.js';
import { coalesceRows } from './optimizer.js';

/** Clips in place; returns the norm before clipping. */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  let sq = 0;
  for (const p of params) {
    // Rows looked up more than once must be summed before squaring: ‖g₁ + g₂‖² ≠ ‖g₁‖² + ‖g₂‖².
    if (p.sparseGrad.length > 1 || (p.sparseGrad.length === 1 && new Set(p.sparseGrad[0]!.ids).size !== p.sparseGrad[0]!.ids.length)) {
      p.sparseGrad = [coalesceRows(p)];
    }
    if (p.grad !== null) for (let i = 0; i < p.grad.length; i++) sq += p.grad[i]! * p.grad[i]!;
    for (const s of p.sparseGrad) for (let i = 0; i < s.rows.length; i++) sq += s.rows[i]! * s.rows[i]!;
  }
  const norm = Math.sqrt(sq);
  // 1e-6 guards the division as in PyTorch.
  const f = maxNorm / (norm + 1e-6);
  if (f < 1) {
    for (const p of params) {
      if (p.grad !== null) for (let i = 0; i < p.grad.length; i++) p.grad[i] = p.grad[i]! * f;
      for (const s of p.sparseGrad) for (let i = 0; i < s.rows.length; i++) s.rows[i] = s.rows[i]! * f;
    }
  }
  return norm;
}
