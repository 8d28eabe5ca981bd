/**
 * @module The FedAvg server for the item side of federated BPR. It broadcasts copies of the item model, accepts
 * `ItemUpdateMessage`s only (checked at run time, see messages.ts), and at the end of a round applies
 *
 *   FedAvg (McMahan et al. 2017):       Q ← Q + η_s · Σ_k w_k Δ_k / Σ_k w_k,
 *   DP-FedAvg (McMahan et al. 2018):    Q ← Q + η_s · (Σ_k clip_S(Δ_k) + N(0, σ²S² I)) / (qK),
 *
 * with w_k the client's example count (or 1), η_s the server learning rate (1 in McMahan et al. 2017; Reddi et al.
 * 2021, "Adaptive Federated Optimization", for η_s ≠ 1), and under DP the fixed denominator qK (expected clients
 * per round) of the paper's unbiased estimator, so that one client's influence on the step is bounded by S/(qK).
 * The noise covers every coordinate of the item model, touched or not. Clipping is done by the clients
 * (`toMessage`); the server checks that the unmasked updates it gets are within S and have weight 1.
 */
import { createError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { checkMessage, messageBytes, type ItemUpdateMessage } from './messages.js';
import { rowWidth, type ItemModel } from './model.js';
import { unmaskSum } from './secure-aggregation.js';

export interface DpAggregation {
  /** S: the L2 bound of each client's update. */
  readonly clipNorm: number;
  /** σ: noise standard deviation over S. */
  readonly noiseMultiplier: number;
  /** qK: the expected number of clients per round, the fixed denominator. */
  readonly expectedClients: number;
}

export interface ServerOptions {
  /** η_s (default 1). */
  readonly serverLearningRate?: number;
  readonly dp?: DpAggregation;
  /** Draws the DP noise (required with `dp`). */
  readonly rng?: Rng;
}

export interface RoundSummary {
  readonly round: number;
  readonly messages: number;
  /** Bytes of all messages received this round. */
  readonly bytes: number;
  /** Σ w_k as aggregated (the decoded sum under secure aggregation). */
  readonly totalWeight: number;
  /** Standard deviation of the noise added to each coordinate of the sum (σS, or 0). */
  readonly noiseStd: number;
}

export class FederatedServer {
  readonly #q: Float32Array;
  readonly #b: Float32Array | undefined;
  readonly #nItems: number;
  readonly #factors: number;
  readonly #width: number;
  readonly #eta: number;
  readonly #dp: DpAggregation | undefined;
  readonly #rng: Rng | undefined;
  #round = 0;
  #acc: Float64Array;
  #weight = 0;
  #masked: Float64Array[] = [];
  #slots = new Set<number>();
  #messages = 0;
  #bytes = 0;

  constructor(initial: ItemModel, options: ServerOptions = {}) {
    this.#q = initial.q.slice();
    this.#b = initial.b?.slice();
    this.#nItems = initial.nItems;
    this.#factors = initial.factors;
    this.#width = rowWidth(initial);
    this.#eta = options.serverLearningRate ?? 1;
    this.#dp = options.dp;
    this.#rng = options.rng;
    if (!(this.#eta > 0 && Number.isFinite(this.#eta))) throw invalid('serverLearningRate', `expected a finite number > 0, got ${this.#eta}`);
    if (this.#dp) {
      const { clipNorm, noiseMultiplier, expectedClients } = this.#dp;
      if (!(clipNorm > 0 && Number.isFinite(clipNorm))) throw invalid('dp.clipNorm', `expected a finite number > 0, got ${clipNorm}`);
      if (!(noiseMultiplier >= 0 && Number.isFinite(noiseMultiplier))) throw invalid('dp.noiseMultiplier', `expected a finite number ≥ 0, got ${noiseMultiplier}`);
      if (!(expectedClients > 0)) throw invalid('dp.expectedClients', `expected a number > 0, got ${expectedClients}`);
      if (!this.#rng) throw invalid('rng', 'DP aggregation needs a random number generator for its noise');
    }
    this.#acc = new Float64Array(this.#nItems * this.#width);
  }

  /** The round whose messages are being collected. */
  get round(): number {
    return this.#round;
  }

  /** A copy of the current item model, as sent to the round's clients. */
  broadcast(): ItemModel {
    return { nItems: this.#nItems, factors: this.#factors, q: this.#q.slice(), b: this.#b?.slice() };
  }

  /** Takes one client's message for the current round. The only way data reaches the server. */
  receive(msg: ItemUpdateMessage): void {
    checkMessage(msg, this.#nItems, this.#width);
    if (msg.round !== this.#round) throw invalid('round', `message for round ${msg.round} during round ${this.#round}`);
    const masked = msg.kind === 'masked';
    if (this.#messages > 0 && masked !== this.#masked.length > 0) throw invalid('kind', 'masked and unmasked messages cannot be mixed in one round');
    this.#messages++;
    this.#bytes += messageBytes(msg);
    if (msg.kind === 'masked') {
      if (this.#slots.has(msg.slot)) throw invalid('slot', `slot ${msg.slot} sent twice in round ${this.#round}`);
      this.#slots.add(msg.slot);
      this.#masked.push(msg.values);
      return;
    }
    if (this.#dp) {
      if (msg.weight !== 1) throw invalid('weight', 'DP aggregation weighs every client 1');
      let sq = 0;
      for (const v of msg.values) sq += v * v;
      // float32 rounding of the clipped values may exceed S by a few ulps.
      if (Math.sqrt(sq) > this.#dp.clipNorm * (1 + 1e-5)) throw invalid('values', `update norm ${Math.sqrt(sq)} above the clipping norm ${this.#dp.clipNorm}`);
    }
    const w = msg.weight, width = this.#width, acc = this.#acc;
    if (msg.kind === 'dense') {
      for (let c = 0; c < acc.length; c++) acc[c] = acc[c]! + w * msg.values[c]!;
    } else {
      msg.items.forEach((i, r) => {
        for (let a = 0; a < width; a++) acc[i * width + a] = acc[i * width + a]! + w * msg.values[r * width + a]!;
      });
    }
    this.#weight += w;
  }

  /** Aggregates the round's messages into the item model and opens the next round. */
  finishRound(): RoundSummary {
    let acc = this.#acc, weight = this.#weight;
    if (this.#masked.length > 0) ({ sum: acc, weight } = unmaskSum(this.#masked, acc.length));
    let noiseStd = 0, denominator = weight;
    if (this.#dp) {
      if (this.#masked.length > 0 && Math.abs(weight - this.#masked.length) > 1e-6) throw invalid('weight', 'DP aggregation weighs every client 1');
      noiseStd = this.#dp.noiseMultiplier * this.#dp.clipNorm;
      if (noiseStd > 0) for (let c = 0; c < acc.length; c++) acc[c] = acc[c]! + noiseStd * this.#rng!.normal();
      denominator = this.#dp.expectedClients;
    }
    if (denominator > 0) {
      const scale = this.#eta / denominator, f = this.#factors, width = this.#width;
      for (let i = 0; i < this.#nItems; i++) {
        for (let a = 0; a < f; a++) this.#q[i * f + a] = this.#q[i * f + a]! + scale * acc[i * width + a]!;
        if (this.#b) this.#b[i] = this.#b[i]! + scale * acc[i * width + f]!;
      }
    }
    const summary: RoundSummary = { round: this.#round, messages: this.#messages, bytes: this.#bytes, totalWeight: weight, noiseStd };
    this.#round++;
    this.#acc = new Float64Array(this.#acc.length);
    this.#weight = 0;
    this.#masked = [];
    this.#slots = new Set();
    this.#messages = 0;
    this.#bytes = 0;
    return summary;
  }
}

function invalid(field: string, problem: string): Error {
  return createError('INVALID_INPUT', { field, problem });
}
