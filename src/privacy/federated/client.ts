/**
 * @module A simulated client of federated BPR (Ammad-ud-din et al. 2019, "Federated Collaborative Filtering",
 * with BPR's loss): it holds one user's interactions and user vector in private fields, neither of which any method
 * returns. Each round it copies the rows of the items it will touch from the broadcast model, runs local SGD on
 * its own triples (its vector and those rows move together, as in centralized SGD), and reports the item-row deltas.
 * Turning the deltas into a message (sparse, dense, clipped, masked) is `toMessage`, the only way out.
 */
import type { Rng } from '../../core/rng.js';
import { bprStep } from '../../models/mf/bpr.js';
import type { ItemUpdateMessage } from './messages.js';
import { drawNegative, rowWidth, topItems, type BprHyperparameters, type ItemModel } from './model.js';
import { maskUpdate, type KeyAgreement } from './secure-aggregation.js';

export interface LocalTrainingOptions extends Omit<BprHyperparameters, 'factors' | 'bias'> {
  /** Passes over the client's own positives per round (one triple per positive per pass). */
  readonly localEpochs: number;
  /** Items negatives are drawn from (the public catalogue). */
  readonly negativePool: Int32Array;
}

/** Deltas of the touched item rows (f factors, then the bias when present), and the examples they came from. */
export interface LocalUpdate {
  readonly items: Int32Array;
  readonly values: Float32Array;
  readonly width: number;
  readonly examples: number;
}

export class FederatedClient {
  readonly #positives: Int32Array;
  readonly #isPositive: Set<number>;
  readonly #user: Float32Array;

  constructor(positives: ArrayLike<number>, userVector: Float32Array) {
    this.#positives = Int32Array.from(positives);
    this.#isPositive = new Set(this.#positives);
    this.#user = userVector.slice();
  }

  /** Training examples per local epoch (the client's positives); the FedAvg weight n_k. */
  get examples(): number {
    return this.#positives.length;
  }

  /** Local SGD on this client's triples against a copy of the broadcast item rows; returns the row deltas. */
  train(model: ItemModel, options: LocalTrainingOptions, rng: Rng): LocalUpdate {
    const f = model.factors, width = rowWidth(model);
    const n = this.#positives.length;
    // Draw every triple first, so the rows to copy are known.
    const steps = options.localEpochs * n;
    const pos = new Int32Array(steps), neg = new Int32Array(steps);
    const order = Array.from(this.#positives);
    const isPositive = (i: number): boolean => this.#isPositive.has(i);
    for (let e = 0; e < options.localEpochs; e++) {
      rng.shuffle(order);
      for (let s = 0; s < n; s++) {
        pos[e * n + s] = order[s]!;
        neg[e * n + s] = drawNegative(rng, options.negativePool, isPositive);
      }
    }
    const local = new Map<number, number>();
    for (const i of [...pos, ...neg]) if (!local.has(i)) local.set(i, local.size);
    const items = Int32Array.from(local.keys());
    const q = new Float32Array(items.length * f);
    const b = model.b ? new Float32Array(items.length) : undefined;
    items.forEach((i, r) => {
      q.set(model.q.subarray(i * f, (i + 1) * f), r * f);
      if (b) b[r] = model.b![i]!;
    });
    const start = q.slice(), startB = b?.slice();
    for (let s = 0; s < steps; s++) {
      bprStep(this.#user, q, b, f, 0, local.get(pos[s]!)!, local.get(neg[s]!)!, options.learningRate, options.regularization);
    }
    const values = new Float32Array(items.length * width);
    for (let r = 0; r < items.length; r++) {
      for (let a = 0; a < f; a++) values[r * width + a] = q[r * f + a]! - start[r * f + a]!;
      if (b) values[r * width + f] = b[r]! - startB![r]!;
    }
    return { items, values, width, examples: n };
  }

  /** The client's own top-k under the current global items, its positives excluded (computed on the device). */
  recommend(model: ItemModel, k: number): Int32Array {
    return topItems(this.#user, model, k, this.#isPositive);
  }
}

/** How a client's update leaves it. */
export type MessageForm =
  | { readonly kind: 'sparse' }
  | { readonly kind: 'dense' }
  | { readonly kind: 'masked'; readonly slot: number; readonly participants: number; readonly keys: KeyAgreement; readonly neighbours?: number };

/** Scales `values` in place so that their L2 norm is at most `clipNorm`; returns the norm before clipping. */
export function clipToNorm(values: Float32Array, clipNorm: number): number {
  let sq = 0;
  for (const v of values) sq += v * v;
  const norm = Math.sqrt(sq);
  if (norm > clipNorm) {
    const scale = clipNorm / norm;
    for (let c = 0; c < values.length; c++) values[c] = values[c]! * scale;
  }
  return norm;
}

/** Scatters the touched rows into a dense nItems × width vector. */
export function densify(update: LocalUpdate, nItems: number): Float32Array {
  const { width } = update;
  const out = new Float32Array(nItems * width);
  update.items.forEach((i, r) => out.set(update.values.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/**
 * The message for an update: `weight` is the client's FedAvg weight (its example count, or 1); with `clipNorm` the
 * update is first scaled to L2 norm ≤ clipNorm (DP-FedAvg). Masked messages carry weight · delta and the weight.
 */
export function toMessage(update: LocalUpdate, nItems: number, round: number, weight: number, form: MessageForm, clipNorm?: number): ItemUpdateMessage {
  const values = update.values.slice();
  if (clipNorm !== undefined) clipToNorm(values, clipNorm);
  const clipped: LocalUpdate = { ...update, values };
  switch (form.kind) {
    case 'sparse':
      return { kind: 'sparse', round, weight, items: update.items.slice(), values };
    case 'dense':
      return { kind: 'dense', round, weight, values: densify(clipped, nItems) };
    case 'masked':
      return { kind: 'masked', round, slot: form.slot, values: maskUpdate(densify(clipped, nItems), weight, form.slot, form.participants, round, form.keys, form.neighbours) };
  }
}
