/**
 * @module Stochastic gradient descent with momentum (PyTorch's form) and optional Nesterov momentum.
 *
 * g ← g + λθ;  b ← μb + (1 − dampening)g (b = g at the first step);  step = Nesterov ? g + μb : b;  θ ← θ − lr·step.
 * Sparse parameters get their rows updated directly (momentum is not kept for them).
 */
import type { Tensor } from '../tensor.js';
import { coalesceRows, densifyRows, zeroGrads, type Optimizer } from './optimizer.js';

export interface SgdConfig {
  lr?: number;
  /** μ, default 0. */
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export class Sgd implements Optimizer {
  lr: number;
  readonly params: readonly Tensor[];
  private readonly mu: number;
  private readonly damp: number;
  private readonly nesterov: boolean;
  private readonly wd: number;
  private readonly buf: Array<Float32Array | null>;

  constructor(params: readonly Tensor[], config: SgdConfig = {}) {
    this.params = params;
    this.lr = config.lr ?? 0.01;
    this.mu = config.momentum ?? 0;
    this.damp = config.dampening ?? 0;
    this.nesterov = config.nesterov ?? false;
    this.wd = config.weightDecay ?? 0;
    this.buf = params.map(() => null);
  }

  step(): void {
    const { lr, mu, damp, wd } = this;
    this.params.forEach((p, pi) => {
      const w = p.data;
      // Lazy row update when the table only has row gradients; otherwise rows are folded into the dense gradient.
      if (p.sparse && p.grad === null) {
        if (p.sparseGrad.length === 0) return;
        const { ids, rows } = coalesceRows(p);
        const width = p.size / p.shape[0]!;
        for (let r = 0; r < ids.length; r++) {
          const base = ids[r]! * width;
          for (let j = 0; j < width; j++) w[base + j] = w[base + j]! - lr * (rows[r * width + j]! + wd * w[base + j]!);
        }
        return;
      }
      densifyRows(p);
      const g = p.grad;
      if (g === null) return;
      const n = w.length;
      if (mu === 0) {
        for (let i = 0; i < n; i++) w[i] = w[i]! - lr * (g[i]! + wd * w[i]!);
        return;
      }
      let b = this.buf[pi]!;
      const first = b === null;
      if (first) b = this.buf[pi] = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const gi = g[i]! + wd * w[i]!;
        const bi = first ? gi : mu * b[i]! + (1 - damp) * gi;
        b[i] = bi;
        w[i] = w[i]! - lr * (this.nesterov ? gi + mu * bi : bi);
      }
    });
  }

  zeroGrad(): void {
    zeroGrads(this.params);
  }
}
