/**
 * @module GRU4Rec (Hidasi, Karatzoglou, Baltrunas & Tikk 2016; Hidasi & Karatzoglou 2018), registry id
 * `seq/gru4rec`.
 *
 * One GRU layer (hidden 100) over the one-hot item sequence — stored as the input-projection table
 * W_x [n + 1, 3H] (one-hot · W_ihᵀ is a row lookup) — and an output layer W_y [n + 1, H], b_y: the score of
 * item i after a prefix is h·W_y[i] + b_y[i]. Loss: BPR-max with score regularisation λ = 1, the loss the 2018
 * paper recommends (with TOP1-max; BPR-max gave its best results), over session-parallel negatives — the other
 * sequences' targets at the same step — plus `extraNegatives` items shared by the batch and drawn ∝ support^α
 * (α = 0.75 here; the paper tunes α ∈ [0, 1]); a user's own items are never their negatives (GRU4Rec does not
 * filter them; on small catalogues these false negatives dominate). Simplification, documented: instead of session-parallel
 * mini-batches that carry hidden states across session boundaries, each batch holds whole user sequences
 * (their last maxLen items) left-aligned and padded, steps past a sequence's end masked. Adam replaces
 * Adagrad (allowed by the 2018 code's `adam` option).
 */
import { z } from 'zod';
import { AliasTable, type Rng } from '../../core/rng.js';
import { fanInUniform, constantParam } from '../../nn/init.js';
import { Module } from '../../nn/module.js';
import { add } from '../../nn/ops/arithmetic.js';
import { dropout } from '../../nn/ops/dropout.js';
import { embedding } from '../../nn/ops/embedding.js';
import { gruSequence } from '../../nn/ops/recurrent.js';
import { noGrad, type Tensor } from '../../nn/tensor.js';
import type { Artifact } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { parseParams } from '../shared/model-io.js';
import { bprMaxLoss } from './bpr-max.js';
import { SeqRecommender, type SeqModelHooks, type SeqNetwork, type SeqTrainParams } from './seq-recommender.js';
import { sequenceOf, type Sequences } from './sequences.js';

export const GRU4REC_ID = 'seq/gru4rec';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const gru4recParamsSchema = z
  .object({
    hidden: z.number().int().min(1).max(2048).default(100),
    /** Truncation of each sequence for backpropagation through time (most recent items). */
    maxLen: z.number().int().min(1).max(1024).default(50),
    /** Dropout on the GRU output (GRU4Rec's dropout_p_hidden). */
    dropout: z.number().min(0).max(0.95).default(0),
    /** λ of BPR-max's score regularisation (the reference code's bpreg = 1). */
    bpreg: z.number().min(0).default(1),
    /** Extra negatives shared by a batch (the paper uses up to 2048 on GPU). */
    extraNegatives: z.number().int().min(0).default(128),
    /** α of the extra negatives' distribution ∝ support^α. */
    sampleAlpha: z.number().min(0).max(1).default(0.75),
    epochs: z.number().int().min(1).max(10_000).default(100),
    batchSize: z.number().int().min(1).max(65_536).default(128),
    learningRate: z.number().positive().default(0.001),
    beta1: z.number().min(0).max(0.999999).default(0.9),
    beta2: z.number().min(0).max(0.999999).default(0.999),
    evalEvery: z.number().int().min(0).default(5),
    patience: z.number().int().min(1).default(3),
    validationUsers: z.number().int().min(1).default(10_000),
    validationNegatives: z.number().int().min(1).default(100),
    checkpoint: z.string().min(1).optional(),
  })
  .strict();

export type Gru4recParams = z.output<typeof gru4recParamsSchema>;

export class Gru4recNet extends Module implements SeqNetwork {
  /** One-hot input projection W_ihᵀ as rows (row 0 = padding). */
  readonly inputTable: Tensor;
  readonly inputBias: Tensor;
  readonly wHh: Tensor;
  readonly bHh: Tensor;
  readonly outTable: Tensor;
  readonly outBias: Tensor;
  readonly hidden: number;

  constructor(nItems: number, hidden: number, rng: Rng) {
    super();
    const H = hidden;
    // PyTorch GRU init U(±1/√H) for every weight and bias; output layer as a Linear(H → n + 1).
    this.inputTable = fanInUniform([nItems + 1, 3 * H], H, rng);
    this.inputTable.data.fill(0, 0, 3 * H);
    this.inputBias = fanInUniform([3 * H], H, rng);
    this.wHh = fanInUniform([3 * H, H], H, rng);
    this.bHh = fanInUniform([3 * H], H, rng);
    this.outTable = fanInUniform([nItems + 1, H], H, rng);
    this.outBias = constantParam([nItems + 1], 0);
    this.hidden = H;
  }

  outputTable(): Tensor {
    return this.outTable;
  }

  outputBias(): Float32Array {
    return this.outBias.data;
  }

  /** ids [B, T] left-aligned (0 = padding) with lengths → hidden states [B, T, H]. */
  forward(ids: Int32Array, B: number, T: number, lengths: Int32Array): Tensor {
    const x = add(embedding(this.inputTable, ids, [B, T], { paddingIdx: 0 }), this.inputBias);
    return gruSequence(x, this.wHh, this.bHh, { lengths });
  }
}

function leftAligned(histories: readonly ArrayLike<number>[], T: number): { ids: Int32Array; lengths: Int32Array } {
  const B = histories.length, ids = new Int32Array(B * T), lengths = new Int32Array(B);
  histories.forEach((h, b) => {
    const n = Math.min(h.length, T), off = h.length - n;
    for (let j = 0; j < n; j++) ids[b * T + j] = h[off + j]! + 1;
    lengths[b] = n;
  });
  return { ids, lengths };
}

const hooks = (p: Gru4recParams): SeqModelHooks<Gru4recNet> => {
  let sampler: { table: AliasTable; forItems: number } | undefined;
  return {
    buildNet: (nItems, rng) => new Gru4recNet(nItems, p.hidden, rng),

    batchLoss(net: Gru4recNet, seqs: Sequences, users: Int32Array, nItems: number, rng: Rng): Tensor {
      if (sampler === undefined || sampler.forItems !== nItems) {
        const support = new Float64Array(nItems);
        for (let k = 0; k < seqs.items.length; k++) support[seqs.items[k]!]! += 1;
        sampler = { table: new AliasTable(Array.from(support, (s) => Math.pow(s, p.sampleAlpha) + 1e-9)), forItems: nItems };
      }
      const B = users.length, T = p.maxLen;
      // Inputs are the sequence without its last item; targets the sequence shifted by one.
      const { ids, lengths } = leftAligned(Array.from(users, (u) => { const s = sequenceOf(seqs, u); return s.subarray(Math.max(0, s.length - 1 - T), s.length - 1); }), T);
      const targets = new Int32Array(B * T);
      for (let b = 0; b < B; b++) {
        const s = sequenceOf(seqs, users[b]!), n = lengths[b]!;
        for (let j = 0; j < n; j++) targets[b * T + j] = s[s.length - n + j]! + 1;
      }
      const extra = new Int32Array(p.extraNegatives);
      for (let j = 0; j < extra.length; j++) extra[j] = sampler.table.sample(rng) + 1;
      let h = net.forward(ids, B, T, lengths);
      if (p.dropout > 0) h = dropout(h, p.dropout, rng, net.training);
      const own = Array.from(users, (u) => new Set(Array.from(sequenceOf(seqs, u), (i) => i + 1)));
      return bprMaxLoss(h, net.outTable, net.outBias, targets, extra, p.bpreg, own);
    },

    encode(net: Gru4recNet, histories: readonly ArrayLike<number>[]): Float32Array {
      const B = histories.length, T = p.maxLen, H = p.hidden;
      const { ids, lengths } = leftAligned(histories, T);
      const out = new Float32Array(B * H);
      const y = noGrad(() => net.forward(ids, B, T, lengths)).data;
      for (let b = 0; b < B; b++) if (lengths[b]! > 0) out.set(y.subarray((b * T + lengths[b]! - 1) * H, (b * T + lengths[b]!) * H), b * H);
      return out;
    },
  };
};

export class Gru4recRecommender extends SeqRecommender<Gru4recNet> {
  readonly id = GRU4REC_ID;
  readonly params: Gru4recParams;
  protected readonly hooks: SeqModelHooks<Gru4recNet>;

  constructor(params: unknown = {}) {
    super();
    this.params = parseParams(GRU4REC_ID, gru4recParamsSchema, params);
    this.hooks = hooks(this.params);
  }

  protected trainParams(): SeqTrainParams {
    return this.params;
  }

  save(): Artifact {
    return this.artifact(GRU4REC_ID, VERSION);
  }

  static load(a: Artifact): Gru4recRecommender {
    const m = new Gru4recRecommender(a.params);
    m.restore(a, `${GRU4REC_ID} artifact`);
    return m;
  }
}

export const gru4recFactory: ModelFactory = defineModel({
  id: GRU4REC_ID,
  version: VERSION,
  description: 'GRU4Rec: a GRU over the user\'s item sequence, BPR-max over in-batch and sampled negatives (Hidasi et al. 2016, 2018)',
  params: gru4recParamsSchema,
  create: (params) => new Gru4recRecommender(params),
  restore: (artifact) => Gru4recRecommender.load(artifact),
});

