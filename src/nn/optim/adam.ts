/**
 * @module Adam (Kingma & Ba 2015) and AdamW (decoupled weight decay, Loshchilov & Hutter 2019).
 *
 * m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε).
 * Adam's weight decay adds λθ to g (L2, as PyTorch's Adam); AdamW subtracts lr·λ·θ from θ directly.
 * Sparse parameters (embedding tables with `sparse = true`) get the lazy update: only looked-up rows move, with
 * their moments, using the global step for bias correction (as TensorFlow's LazyAdam and PyTorch's SparseAdam).
 */
import type { Tensor } from '../tensor.js';
import { coalesceRows, densifyRows, zeroGrads, type Optimizer } from './optimizer.js';

export interface AdamConfig {
  lr?: number;
  /** Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** λ. Default 0 for Adam; AdamW defaults to 0.01 as in PyTorch. */
  weightDecay?: number;
  /** True for AdamW's decoupled decay. */
  decoupled?: boolean;
}

export class Adam implements Optimizer {
  lr: number;
  readonly params: readonly Tensor[];
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly wd: number;
  private readonly decoupled: boolean;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  /** Step count t (shared by all parameters). */
  t = 0;

  constructor(params: readonly Tensor[], config: AdamConfig = {}) {
    this.params = params;
    this.lr = config.lr ?? 1e-3;
    [this.b1, this.b2] = config.betas ?? [0.9, 0.999];
    this.eps = config.eps ?? 1e-8;
    this.decoupled = config.decoupled ?? false;
    this.wd = config.weightDecay ?? (this.decoupled ? 0.01 : 0);
    this.m = params.map((p) => new Float32Array(p.size));
    this.v = params.map((p) => new Float32Array(p.size));
  }

  step(): void {
    this.t++;
    const { b1, b2, eps, wd, lr } = this;
    const c1 = 1 - Math.pow(b1, this.t), c2 = 1 - Math.pow(b2, this.t);
    // θ −= lr/c1 · m / (√v/√c2 + ε)
    const stepSize = lr / c1, rc2 = 1 / Math.sqrt(c2);
    this.params.forEach((p, pi) => {
      const m = this.m[pi]!, v = this.v[pi]!, w = p.data;
      // Lazy row update when the table only has row gradients; otherwise rows are folded into the dense gradient.
      if (p.sparse && p.grad === null) {
        if (p.sparseGrad.length === 0) return;
        const { ids, rows } = coalesceRows(p);
        const width = p.size / p.shape[0]!;
        const l2 = this.decoupled ? 0 : wd, decay = this.decoupled ? 1 - lr * wd : 1;
        for (let r = 0; r < ids.length; r++) {
          const base = ids[r]! * width, end = base + width;
          const wr = w.subarray(base, end);
          if (decay !== 1) for (let j = 0; j < width; j++) wr[j] = wr[j]! * decay;
          adamUpdate(wr, rows.subarray(r * width, (r + 1) * width), m.subarray(base, end), v.subarray(base, end), b1, b2, stepSize, rc2, eps, l2);
        }
        return;
      }
      densifyRows(p);
      const grad = p.grad;
      if (grad === null) return;
      if (wd !== 0 && this.decoupled) {
        const f = 1 - lr * wd;
        for (let i = 0; i < w.length; i++) w[i] = w[i]! * f;
      }
      adamUpdate(w, grad, m, v, b1, b2, stepSize, rc2, eps, this.decoupled ? 0 : wd);
    });
  }

  zeroGrad(): void {
    zeroGrads(this.params);
  }
}

/**
 * The dense update loop, kept a plain function of locals (V8 keeps everything in registers; as a closure over
 * `this` it ran 1.6× slower). g ← g + l2·θ; m, v moments; θ −= stepSize · m / (√v · rc2 + ε).
 */
function adamUpdate(w: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, b1: number, b2: number, stepSize: number, rc2: number, eps: number, l2: number): void {
  const n = w.length, c1 = 1 - b1, c2 = 1 - b2;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    const g = grad[i]! + l2 * wi;
    const mi = b1 * m[i]! + c1 * g, vi = b2 * v[i]! + c2 * g * g;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - (stepSize * mi) / (Math.sqrt(vi) * rc2 + eps);
  }
}

/** AdamW: Adam with decoupled weight decay (default λ = 0.01). */
export class AdamW extends Adam {
  constructor(params: readonly Tensor[], config: Omit<AdamConfig, 'decoupled'> = {}) {
    super(params, { ...config, decoupled: true });
  }
}

/**
 * Lazy Adam for embedding tables: the same update, but the parameters must be sparse (rows move only when
 * looked up). Use beside a dense Adam for the rest of the model.
 */
export class SparseAdam extends Adam {
  constructor(params: readonly Tensor[], config: Omit<AdamConfig, 'decoupled' | 'weightDecay'> = {}) {
    for (const p of params) p.sparse = true;
    super(params, config);
  }
}
