/**
 * @module SASRec (Kang & McAuley 2018, "Self-Attentive Sequential Recommendation", ICDM), registry id `seq/sasrec`.
 *
 * Training as the official code (kang205/SASRec, pmixer/SASRec.pytorch `main.py`, `utils.py`): batches of 128
 * users drawn uniformly with replacement, ⌊users/128⌋ batches an epoch; each user's training sequence right-aligned
 * into maxLen slots, the target of slot t is the item after it, with one negative per slot drawn uniformly from
 * items the user never met; loss = BCE(r_pos, 1) + BCE(r_neg, 0) averaged over non-padding slots; Adam
 * (lr 1e-3, β = (0.9, 0.98)). Defaults are the paper's for sparse data (Video Games): d = 50, 2 blocks, 1 head,
 * maxLen 50, dropout 0.5 (use 0.2 on dense data such as ML-1M, with maxLen 200). Scoring: the last slot's
 * output dotted with every item embedding.
 */
import { z } from 'zod';
import { createRng, type Rng } from '../../core/rng.js';
import { scale } from '../../nn/ops/arithmetic.js';
import { bceWithLogits } from '../../nn/ops/loss.js';
import type { Tensor } from '../../nn/tensor.js';
import type { Artifact } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { parseParams } from '../shared/model-io.js';
import { SasrecNet } from './sasrec-net.js';
import { rowDot } from './seq-ops.js';
import { SeqRecommender, type SeqModelHooks, type SeqTrainParams } from './seq-recommender.js';
import { rightAlign, sequenceOf, type Sequences } from './sequences.js';

export const SASREC_ID = 'seq/sasrec';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const sasrecParamsSchema = z
  .object({
    /** Window of most recent items (the paper's n: 50 on sparse data, 200 on ML-1M). */
    maxLen: z.number().int().min(1).max(1024).default(50),
    /** d (50 in the paper). */
    hidden: z.number().int().min(1).max(1024).default(50),
    blocks: z.number().int().min(1).max(16).default(2),
    heads: z.number().int().min(1).max(16).default(1),
    /** 0.5 for sparse data, 0.2 for dense (Section IV-C). */
    dropout: z.number().min(0).max(0.95).default(0.5),
    /** The official scripts run 200 epochs; early stopping on validation NDCG@10 usually stops sooner. */
    epochs: z.number().int().min(1).max(10_000).default(200),
    batchSize: z.number().int().min(1).max(65_536).default(128),
    learningRate: z.number().positive().default(0.001),
    beta1: z.number().min(0).max(0.999999).default(0.9),
    /** 0.98 as the official code. */
    beta2: z.number().min(0).max(0.999999).default(0.98),
    /** Validation every this many epochs (official: 20; 0 disables validation and early stopping). */
    evalEvery: z.number().int().min(0).default(5),
    /** Evaluations without improvement before stopping. */
    patience: z.number().int().min(1).default(3),
    /** At most this many validation users (10 000 as the official evaluate_valid). */
    validationUsers: z.number().int().min(1).default(10_000),
    validationNegatives: z.number().int().min(1).default(100),
    checkpoint: z.string().min(1).optional(),
  })
  .strict();

export type SasrecParams = z.output<typeof sasrecParamsSchema>;

/** Uniform item row in 1..n that the user never met (`random_neq`). */
function negativeRow(nItems: number, rated: Set<number>, rng: Rng): number {
  if (rated.size >= nItems) return 1 + rng.int(nItems);
  for (;;) {
    const i = rng.int(nItems);
    if (!rated.has(i)) return i + 1;
  }
}

/** Dropout is off in eval mode; the generator is never drawn from. */
const EVAL_RNG = createRng(0);

const hooks = (p: SasrecParams): SeqModelHooks<SasrecNet> => ({
  buildNet: (nItems, rng) => new SasrecNet({ nItems, maxLen: p.maxLen, hidden: p.hidden, blocks: p.blocks, heads: p.heads, dropout: p.dropout, rng }),

  batchLoss(net: SasrecNet, seqs: Sequences, users: Int32Array, nItems: number, rng: Rng): Tensor {
    const B = users.length, T = p.maxLen;
    const ids = new Int32Array(B * T), rows = new Int32Array(2 * B * T);
    const targets = new Float32Array(2 * B * T), weights = new Float32Array(2 * B * T);
    for (let b = 0; b < B; b++) {
      const s = sequenceOf(seqs, users[b]!);
      const rated = new Set<number>(s);
      // utils.py sample(): nxt = last item; walk back filling seq / pos / neg from the right.
      let nxt = s[s.length - 1]!;
      for (let j = s.length - 2, slot = T - 1; j >= 0 && slot >= 0; j--, slot--) {
        const r = b * T + slot;
        ids[r] = s[j]! + 1;
        rows[r] = nxt + 1;
        rows[B * T + r] = negativeRow(nItems, rated, rng);
        targets[r] = 1;
        weights[r] = 1;
        weights[B * T + r] = 1;
        nxt = s[j]!;
      }
    }
    const feats = net.forward(ids, B, rng);
    // mean over the valid slots of both halves = (mean_pos + mean_neg) / 2, hence × 2 for the official sum.
    return scale(bceWithLogits(rowDot(feats, net.itemEmb, rows), targets, weights), 2);
  },

  encode(net: SasrecNet, histories: readonly ArrayLike<number>[]): Float32Array {
    const B = histories.length, T = p.maxLen, d = p.hidden;
    const ids = new Int32Array(B * T);
    histories.forEach((h, b) => {
      rightAlign(h, T, ids, b * T, -1);
      for (let r = b * T; r < (b + 1) * T; r++) ids[r] = ids[r]! + 1;
    });
    const f = net.forward(ids, B, EVAL_RNG).data;
    const out = new Float32Array(B * d);
    for (let b = 0; b < B; b++) out.set(f.subarray((b * T + T - 1) * d, (b * T + T) * d), b * d);
    return out;
  },
});

export class SasrecRecommender extends SeqRecommender<SasrecNet> {
  readonly id = SASREC_ID;
  readonly params: SasrecParams;
  protected readonly hooks: SeqModelHooks<SasrecNet>;

  constructor(params: unknown = {}) {
    super();
    this.params = parseParams(SASREC_ID, sasrecParamsSchema, params);
    this.hooks = hooks(this.params);
  }

  protected trainParams(): SeqTrainParams {
    return this.params;
  }

  save(): Artifact {
    return this.artifact(SASREC_ID, VERSION);
  }

  static load(a: Artifact): SasrecRecommender {
    const m = new SasrecRecommender(a.params);
    m.restore(a, `${SASREC_ID} artifact`);
    return m;
  }
}

export const sasrecFactory: ModelFactory = defineModel({
  id: SASREC_ID,
  version: VERSION,
  description: 'SASRec: causal self-attention over the user\'s recent items, BCE with one sampled negative (Kang & McAuley 2018)',
  params: sasrecParamsSchema,
  create: (params) => new SasrecRecommender(params),
  restore: (artifact) => SasrecRecommender.load(artifact),
});
