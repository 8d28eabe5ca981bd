/**
 * @module `rating/autorec`: I-AutoRec (Sedhain, Menon, Sanner & Xie 2015), on the `nn` engine. Each item is a
 * sample: the vector r⁽ⁱ⁾ of its training ratings over all users (0 where unobserved) is encoded
 * h = sigmoid(V·r⁽ⁱ⁾ + μ) and decoded W·h + b; the loss is the squared error over the observed entries only plus
 * λ/2·(‖W‖² + ‖V‖²), minimised by Adam over minibatches of items (the paper used L-BFGS / Rprop). The
 * prediction of (u, i) is entry u of item i's reconstruction. An item without training ratings, or a user
 * outside the training set, gets the ALS baseline μ + b_u + b_i (the paper used a default of 3).
 */
import { z } from 'zod';
import { createError } from '../core/errors.js';
import { throwIfAborted } from '../core/progress.js';
import { createRng } from '../core/rng.js';
import { Adam, Linear, mseLoss, mul, noGrad, scale, sigmoid, tensor, type Tensor } from '../nn/index.js';
import { baselineParams, biasPrediction, fitBiases, type Biases } from './baseline.js';
import { byItem, type RatingSet } from './rating-data.js';
import { ratingCounts, type RatingFitOptions, type RatingModel } from './rating-model.js';

export const autorecParams = z.strictObject({
  hidden: z.number().int().min(1).default(500),
  /** λ of λ/2·(‖W‖² + ‖V‖²), applied per minibatch in proportion to its share of the items. */
  lambda: z.number().min(0).default(10),
  epochs: z.number().int().min(1).default(40),
  lr: z.number().positive().default(1e-3),
  batch: z.number().int().min(1).default(64),
});
export type AutoRecParams = z.infer<typeof autorecParams>;

export class AutoRecModel implements RatingModel {
  readonly id = 'rating/autorec';
  /** items × users reconstruction after training. */
  private recon = new Float32Array(0);
  private nUsers = 0;
  private known: { user: Int32Array; item: Int32Array } | undefined;
  private biases: Biases | undefined;
  constructor(readonly params: AutoRecParams) {}

  fit(train: RatingSet, options: RatingFitOptions): void {
    const { hidden, lambda, epochs, lr, batch } = this.params;
    const U = train.nUsers, I = train.nItems;
    const rng = createRng(options.seed);
    const encoder = new Linear({ inFeatures: U, outFeatures: hidden, rng });
    const decoder = new Linear({ inFeatures: hidden, outFeatures: U, rng });
    const weights = new Adam([encoder.weight, decoder.weight], { lr, weightDecay: 0 });
    const biases = new Adam([encoder.bias!, decoder.bias!], { lr });
    const groups = byItem(train);
    const items = Array.from({ length: I }, (_, i) => i).filter((i) => groups.indptr[i + 1]! > groups.indptr[i]!);
    const rowsOf = (ids: readonly number[]): { x: Float32Array; mask: Float32Array } => {
      const x = new Float32Array(ids.length * U), mask = new Float32Array(ids.length * U);
      ids.forEach((i, b) => {
        for (let m = groups.indptr[i]!; m < groups.indptr[i + 1]!; m++) {
          const k = groups.order[m]!;
          x[b * U + train.user[k]!] = train.value[k]!;
          mask[b * U + train.user[k]!] = 1;
        }
      });
      return { x, mask };
    };
    const forward = (x: Tensor): Tensor => decoder.forward(sigmoid(encoder.forward(x)));
    for (let epoch = 0; epoch < epochs; epoch++) {
      throwIfAborted(options.signal, this.id);
      rng.shuffle(items);
      for (let start = 0; start < items.length; start += batch) {
        const ids = items.slice(start, start + batch);
        const { x, mask } = rowsOf(ids);
        const input = tensor(x, [ids.length, U]);
        // Σ over observed entries of (out − r)²: unobserved outputs are masked to 0 against a target of 0.
        const observed = mul(forward(input), tensor(mask, [ids.length, U]));
        const loss = scale(mseLoss(observed, x), ids.length * U);
        weights.zeroGrad();
        biases.zeroGrad();
        loss.backward();
        // λ/2·‖W‖² spread over the minibatches of an epoch: gradient λ·(share of items)·W.
        const decay = lambda * (ids.length / items.length);
        for (const w of [encoder.weight, decoder.weight]) {
          const g = w.ensureGrad();
          for (let k = 0; k < g.length; k++) g[k]! += decay * w.data[k]!;
        }
        weights.step();
        biases.step();
      }
    }
    this.recon = new Float32Array(I * U);
    noGrad(() => {
      for (let start = 0; start < I; start += batch) {
        const ids = Array.from({ length: Math.min(batch, I - start) }, (_, b) => start + b);
        this.recon.set(forward(tensor(rowsOf(ids).x, [ids.length, U])).data, start * U);
      }
    });
    this.nUsers = U;
    this.known = ratingCounts(train);
    this.biases = fitBiases(train, baselineParams.parse({}), options.signal);
  }

  predict(user: number, item: number): number {
    if (!this.known || !this.biases) throw createError('MODEL_NOT_FITTED', { model: this.id });
    if (user >= this.nUsers || item >= this.known.item.length || this.known.item[item] === 0 || this.known.user[user] === 0) return biasPrediction(this.biases, user, item);
    return this.recon[item * this.nUsers + user]!;
  }
}
