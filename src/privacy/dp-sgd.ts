/**
 * @module DP-SGD (Abadi et al. 2016, "Deep Learning with Differential Privacy", Algorithm 1) for the nn engine,
 * in the shape Opacus gives it: Poisson sampling of each batch (every example in with probability q, so the batch
 * size varies), per-example gradients clipped to L2 norm C over all parameters together, Gaussian noise N(0, σ²C²)
 * added to every coordinate of their sum, division by the *expected* batch size qN (not the drawn one, which
 * would leak the batch size), then any nn optimizer's `step()` on that gradient. An RDP accountant counts the
 * steps and reports ε for the δ given.
 *
 * Per-example gradients come either from autograd, one backward per example (`step`), or in closed form from the
 * model (`addExample` with row or dense gradients, then `finishStep`): the faster way for embedding models.
 * The "example" is whatever the caller treats as the privacy unit (one interaction, or one user's interactions).
 * The noise comes from node:crypto by default (`cryptoGaussian`); pass `noise: seededGaussian(rng)` for a repeatable
 * run that is not private against an attacker who knows the seed.
 */
import { createError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { Optimizer } from '../nn/optim/optimizer.js';
import { coalesceRows } from '../nn/optim/optimizer.js';
import type { Tensor } from '../nn/tensor.js';
import { createRdpAccountant, type RdpAccountant } from './accountant.js';
import { cryptoGaussian, type GaussianNoise } from './gaussian-noise.js';
import { checkNoiseMultiplier, checkSampleRate } from './rdp.js';

export interface DpSgdOptions {
  /** The optimizer whose parameters are trained privately; it applies the noisy gradient. */
  readonly optimizer: Optimizer;
  /** Clipping norm C of each example's gradient over all parameters (Infinity only without noise). */
  readonly clip: number;
  /** Noise multiplier σ: the noise on the sum of clipped gradients has standard deviation σC. */
  readonly noiseMultiplier: number;
  /** Poisson sampling rate q: each example is in a batch independently with probability q. */
  readonly sampleRate: number;
  /** Number of examples N (privacy units); the expected batch size is qN. */
  readonly datasetSize: number;
  /** δ of the (ε, δ) guarantee the accountant reports. */
  readonly delta: number;
  /** Draws the batches. */
  readonly rng: Rng;
  /** Draws the Gaussian noise; default `cryptoGaussian()` (a CSPRNG). */
  readonly noise?: GaussianNoise;
}

/**
 * One example's gradient for one parameter: whole (`values` of the parameter's size), packed rows (`ids`, distinct,
 * and `values` holding those rows in that order) or scattered rows (`scattered`: `values` of the parameter's size,
 * only the rows `ids` read — a caller's dense scratch, with no copy).
 */
export interface ExampleGradient {
  /** Index of the parameter in `optimizer.params`. */
  readonly param: number;
  /** Row ids (distinct) of the parameter's first axis that the gradient touches; absent for a dense gradient. */
  readonly ids?: Int32Array;
  /** With `ids`: `values` is the whole parameter's buffer and only rows `ids` are read. */
  readonly scattered?: boolean;
  /** With `scattered`: zero the rows once added (saves the caller a pass to clear its scratch). */
  readonly clear?: boolean;
  readonly values: Float32Array;
}

export interface DpSgdStepResult {
  /** Examples in the batch (drawn, not expected). */
  readonly batchSize: number;
  /** Mean L2 norm of the examples' gradients before clipping (0 for an empty batch). */
  readonly meanNorm: number;
  /** Share of the examples whose gradient was clipped. */
  readonly clippedFraction: number;
  /** ε spent after this step. */
  readonly epsilon: number;
}

/**
 * Each of `n` indices independently with probability q (ascending). Skips ahead by geometric gaps, so the cost is
 * O(qn) draws rather than n.
 */
export function poissonSample(n: number, q: number, rng: Rng): Int32Array {
  checkSampleRate(q);
  if (q === 0 || n === 0) return new Int32Array(0);
  if (q === 1) return Int32Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const logKeep = Math.log1p(-q);
  // Gap to the next chosen index is Geometric(q): ⌊log U / log(1 − q)⌋ failures before a success.
  for (let i = -1; ;) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    i += 1 + Math.floor(Math.log(u) / logKeep);
    if (i >= n) break;
    out.push(i);
  }
  return Int32Array.from(out);
}

function squaredNorm(v: Float32Array): number {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  return sq;
}

/** Σ‖row‖² over rows `ids` of `v` (scattered: `v` indexed by id; else packed in the order of `ids`). */
function rowsSquaredNorm(v: Float32Array, ids: Int32Array, width: number, scattered: boolean): number {
  if (!scattered) return squaredNorm(v);
  let sq = 0;
  for (let r = 0; r < ids.length; r++) {
    const base = ids[r]! * width, end = base + width;
    for (let j = base; j < end; j++) sq += v[j]! * v[j]!;
  }
  return sq;
}

function addScaled(sum: Float64Array, v: Float32Array, scale: number): void {
  for (let i = 0; i < v.length; i++) sum[i] = sum[i]! + scale * v[i]!;
}

function addScaledRows(sum: Float64Array, v: Float32Array, ids: Int32Array, width: number, scale: number): void {
  for (let r = 0; r < ids.length; r++) {
    const base = ids[r]! * width, src = r * width;
    for (let j = 0; j < width; j++) sum[base + j] = sum[base + j]! + scale * v[src + j]!;
  }
}

function addScaledScattered(sum: Float64Array, v: Float32Array, ids: Int32Array, width: number, scale: number, clear: boolean): void {
  for (let r = 0; r < ids.length; r++) {
    const base = ids[r]! * width, end = base + width;
    if (clear) {
      for (let j = base; j < end; j++) { sum[j] = sum[j]! + scale * v[j]!; v[j] = 0; }
    } else {
      for (let j = base; j < end; j++) sum[j] = sum[j]! + scale * v[j]!;
    }
  }
}

export class DpSgd {
  readonly accountant: RdpAccountant;
  readonly optimizer: Optimizer;
  readonly clip: number;
  readonly noiseMultiplier: number;
  readonly sampleRate: number;
  readonly datasetSize: number;
  private readonly rng: Rng;
  private readonly noise: GaussianNoise;
  /** N(0, 1) draws for one parameter at a time. */
  private readonly noiseBuffer: Float64Array;
  private readonly params: readonly Tensor[];
  /** Sum of the clipped per-example gradients of the current step, one buffer per parameter. */
  private readonly sums: Float64Array[];
  private examples = 0;
  private normSum = 0;
  private clipped = 0;

  constructor(options: DpSgdOptions) {
    const { clip, noiseMultiplier, sampleRate, datasetSize } = options;
    checkNoiseMultiplier(noiseMultiplier);
    checkSampleRate(sampleRate);
    if (!(clip > 0)) throw createError('INVALID_INPUT', { field: 'clip', problem: `expected a clipping norm > 0, got ${clip}` });
    if (clip === Infinity && noiseMultiplier > 0) throw createError('INVALID_INPUT', { field: 'clip', problem: 'noise σC needs a finite clipping norm' });
    if (!(Number.isInteger(datasetSize) && datasetSize > 0)) throw createError('INVALID_INPUT', { field: 'datasetSize', problem: `expected a whole number of examples > 0, got ${datasetSize}` });
    if (sampleRate === 0) throw createError('INVALID_INPUT', { field: 'sampleRate', problem: 'a sampling rate of 0 never trains' });
    this.optimizer = options.optimizer;
    this.params = options.optimizer.params;
    this.clip = clip;
    this.noiseMultiplier = noiseMultiplier;
    this.sampleRate = sampleRate;
    this.datasetSize = datasetSize;
    this.rng = options.rng;
    this.noise = options.noise ?? cryptoGaussian();
    this.accountant = createRdpAccountant({ noiseMultiplier, sampleRate, delta: options.delta });
    this.sums = this.params.map((p) => new Float64Array(p.size));
    this.noiseBuffer = new Float64Array(noiseMultiplier > 0 ? Math.max(0, ...this.params.map((p) => p.size)) : 0);
  }

  /** qN: the divisor of the noisy sum. */
  get expectedBatchSize(): number {
    return this.sampleRate * this.datasetSize;
  }

  /** A Poisson-sampled batch: indices of the examples in it. */
  sampleBatch(): Int32Array {
    return poissonSample(this.datasetSize, this.sampleRate, this.rng);
  }

  /**
   * Adds one example's gradient, clipped to norm C (scaled by min(1, C / (‖g‖ + 1e-6)), the 1e-6 as Opacus and
   * PyTorch's clip_grad_norm_), to the step's sum. Returns ‖g‖ before clipping.
   */
  addExample(grads: readonly ExampleGradient[]): number {
    let sq = 0;
    for (const g of grads) {
      const p = this.params[g.param];
      if (p === undefined) throw createError('INVALID_INPUT', { field: 'param', problem: `no parameter ${g.param} in the optimizer (has ${this.params.length})` });
      const width = p.size / p.shape[0]!;
      const expected = g.ids && !g.scattered ? g.ids.length * width : p.size;
      if (g.values.length !== expected) throw createError('SHAPE_MISMATCH', { op: 'dp-sgd', problem: `parameter ${g.param}: expected ${expected} gradient values, got ${g.values.length}` });
      sq += g.ids ? rowsSquaredNorm(g.values, g.ids, width, g.scattered === true) : squaredNorm(g.values);
    }
    const norm = Math.sqrt(sq);
    const scale = Math.min(1, this.clip / (norm + 1e-6));
    for (const g of grads) {
      const sum = this.sums[g.param]!, p = this.params[g.param]!;
      if (g.ids && g.scattered) addScaledScattered(sum, g.values, g.ids, p.size / p.shape[0]!, scale, g.clear === true);
      else if (g.ids) addScaledRows(sum, g.values, g.ids, p.size / p.shape[0]!, scale);
      else addScaled(sum, g.values, scale);
    }
    this.examples++;
    this.normSum += norm;
    if (scale < 1) this.clipped++;
    return norm;
  }

  /**
   * Adds the gradient now held in the parameters (from one example's backward), then clears it. A table marked
   * `sparse` contributes its row gradients only: its dense buffer holds the last noisy step, not the example's.
   */
  addExampleFromGrads(): number {
    const grads: ExampleGradient[] = [];
    this.params.forEach((p, param) => {
      if (!p.sparse) {
        if (p.grad !== null) grads.push({ param, values: p.grad });
      } else if (p.sparseGrad.length > 0) {
        // Rows looked up twice are summed first: the norm is of the example's gradient, not of its parts.
        const { ids, rows } = coalesceRows(p);
        grads.push({ param, ids, values: rows });
      }
    });
    const norm = this.addExample(grads);
    for (const p of this.params) {
      if (p.sparse) p.sparseGrad = [];
      else p.zeroGrad();
    }
    return norm;
  }

  /**
   * Ends the step: every parameter's gradient becomes (sum + N(0, σ²C²)) / qN, the optimizer steps, the
   * accountant counts the step. The sums start again from zero.
   */
  finishStep(): DpSgdStepResult {
    const std = this.noiseMultiplier === 0 ? 0 : this.noiseMultiplier * this.clip;
    const inv = 1 / this.expectedBatchSize;
    this.params.forEach((p, pi) => {
      const sum = this.sums[pi]!;
      p.sparseGrad = [];
      const g = p.ensureGrad();
      if (std === 0) {
        for (let i = 0; i < g.length; i++) { g[i] = sum[i]! * inv; sum[i] = 0; }
      } else {
        const z = this.noiseBuffer.subarray(0, g.length);
        this.noise.fill(z);
        for (let i = 0; i < g.length; i++) { g[i] = (sum[i]! + std * z[i]!) * inv; sum[i] = 0; }
      }
    });
    this.optimizer.step();
    this.accountant.step();
    const n = this.examples;
    const result: DpSgdStepResult = { batchSize: n, meanNorm: n === 0 ? 0 : this.normSum / n, clippedFraction: n === 0 ? 0 : this.clipped / n, epsilon: this.accountant.epsilon() };
    this.examples = 0;
    this.normSum = 0;
    this.clipped = 0;
    return result;
  }

  /**
   * One DP-SGD step on a batch (normally from `sampleBatch`): one backward per example for its per-example
   * gradient, clipping, noise, the optimizer's update.
   * @example
   * const dp = new DpSgd({ optimizer: new Sgd(model.parameters(), { lr: 0.1 }), clip: 1, noiseMultiplier: 1.1, sampleRate: 0.01, datasetSize: n, delta: 1e-5, rng });
   * for (let s = 0; s < steps; s++) dp.step(dp.sampleBatch(), (i) => crossEntropy(model.forward(x[i]), [y[i]]));
   */
  step<E>(batch: ArrayLike<E>, lossOf: (example: E) => Tensor): DpSgdStepResult {
    for (const p of this.params) p.zeroGrad();
    for (let k = 0; k < batch.length; k++) {
      lossOf(batch[k]!).backward();
      this.addExampleFromGrads();
    }
    return this.finishStep();
  }
}

/** Training-loop helper: one DP-SGD step of `dp` on `batch` (see `DpSgd.step`). */
export function dpSgdStep<E>(dp: DpSgd, batch: ArrayLike<E>, lossOf: (example: E) => Tensor): DpSgdStepResult {
  return dp.step(batch, lossOf);
}
