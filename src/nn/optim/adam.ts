/**
 * @module Adam (Kingma & Ba 2015) and AdamW (decoupled weight decay, Loshchilov & Hutter 2019).
 *
 * m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε).
 * Adam's weight decay adds λθ to g (L2, as PyTorch's Adam); AdamW subtracts lr·λ·θ from θ directly.
 * Sparse parameters (embedding tables with `sparse = true`) get the lazy update: only looked-up rows move, with
 * their moments, using the global step for bias correction (as TensorFlow's LazyAdam and PyTorch's SparseAdam).
 */
import { allocManagedF32 } from '../../math/kernels.js';
import { adamStep, MIN_WASM_LENGTH, type AdamStepArgs } from '../../math/nn-kernels.js';
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
    // Moments in WASM memory: the SIMD update then copies only the weights and gradients (when those are not).
    this.m = params.map((p) => allocMoments(p.size));
    this.v = params.map((p) => allocMoments(p.size));
  }

  step(): void {
    this.t++;
    const { b1, b2, eps, wd, lr } = this;
    const c1 = 1 - Math.pow(b1, this.t), c2 = 1 - Math.pow(b2, this.t);
    // θ −= lr/c1 · m / (√v/√c2 + ε)
    const stepSize = lr / c1, rc2 = 1 / Math.sqrt(c2);
    const args: AdamStepArgs = { b1, b2, stepSize, rc2, eps, l2: this.decoupled ? 0 : wd, decay: this.decoupled ? 1 - lr * wd : 1 };
    this.params.forEach((p, pi) => {
      const m = this.m[pi]!, v = this.v[pi]!, w = p.data;
      // Lazy row update when the table only has row gradients; otherwise rows are folded into the dense gradient.
      if (p.sparse && p.grad === null) {
        if (p.sparseGrad.length === 0) return;
        const { ids, rows } = coalesceRows(p);
        const width = p.size / p.shape[0]!;
        for (let r = 0; r < ids.length; r++) {
          const base = ids[r]! * width, end = base + width;
          adamStep(w.subarray(base, end), rows.subarray(r * width, (r + 1) * width), m.subarray(base, end), v.subarray(base, end), args);
        }
        return;
      }
      densifyRows(p);
      if (p.grad === null) return;
      adamStep(w, p.grad, m, v, args);
    });
  }

  zeroGrad(): void {
    zeroGrads(this.params);
  }
}

/** Moment buffers: WASM-resident (freed with the optimizer) when large enough for the SIMD update. */
function allocMoments(n: number): Float32Array {
  return n >= MIN_WASM_LENGTH ? allocManagedF32(n) : new Float32Array(n);
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
