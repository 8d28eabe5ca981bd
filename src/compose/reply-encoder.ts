/**
 * @module The dual encoder of smart replies (Henderson et al. 2017, "Efficient Natural Language Response
 * Suggestion for Smart Reply"): a post tower and a reply tower, each a bag of hashed word unigrams and bigrams
 * (tf-idf weighted, the two-tower model's `embeddingBag` over a hashed projection) followed by a residual MLP,
 * x + MLP(x), L2-normalised. Trained with in-batch negatives: for a batch of (post, reply) pairs the logits
 * are ⟨post_i, reply_j⟩/τ and the loss is the softmax cross-entropy of the true reply (a reply text repeated in
 * the batch is masked off the other rows, as in the two-tower model). A post's replies are then ranked by the
 * dot product of unit vectors (cosine).
 */
import { createError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { Mlp } from '../nn/layers/mlp.js';
import { normalParam } from '../nn/init.js';
import { Module } from '../nn/module.js';
import { add } from '../nn/ops/arithmetic.js';
import { crossEntropy } from '../nn/ops/loss.js';
import { matmul } from '../nn/ops/matmul.js';
import { Adam, SparseAdam } from '../nn/optim/adam.js';
import { noGrad, type Tensor } from '../nn/tensor.js';
import { wordRuns } from '../text/segment.js';
import { batchedVectors } from '../models/two-tower/batched-vectors.js';
import { embeddingBag } from '../models/two-tower/embedding-bag.js';
import { l2Normalize } from '../models/two-tower/l2-normalize.js';
import { bucketOf, buildTokenFeatures, featuresWithIdf, type TextFeatures } from '../models/two-tower/text-features.js';
import { logitAdjustment } from '../models/two-tower/two-tower.js';

export interface ReplyPair {
  /** The text replied to. */
  post: string;
  /** The reply's text. */
  reply: string;
  /** Who replied (personalization), when known. */
  replyAuthor?: string;
}

export interface ReplyEncoderOptions {
  /** Hash buckets of each tower's n-grams. */
  buckets: number;
  /** Heaviest n-grams kept per text. */
  maxTerms: number;
  /** Longest word n-gram: 1 (words) or 2 (words and adjacent pairs). */
  ngrams: 1 | 2;
  /** Embedding and output width. */
  dim: number;
  /** Hidden layer of each tower's residual MLP. */
  hidden: number;
  /** Softmax temperature τ of the in-batch loss. */
  temperature: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export const REPLY_ENCODER_DEFAULTS: ReplyEncoderOptions = {
  buckets: 1 << 15, maxTerms: 48, ngrams: 1, dim: 64, hidden: 128, temperature: 0.1, epochs: 8, batchSize: 64, learningRate: 1e-2, seed: 42,
};

/** Words (lower-cased letters and digits) and adjacent word pairs: "where is my order" → where, …, where_is, …. */
export function replyTokens(text: string, ngrams: 1 | 2 = 2): string[] {
  const words = wordRuns(text);
  const out = words.slice();
  for (let i = 0; ngrams > 1 && i + 1 < words.length; i++) out.push(`${words[i]}_${words[i + 1]}`);
  return out;
}

class Tower extends Module {
  readonly proj: Tensor;
  readonly mlp: Mlp;
  constructor(o: ReplyEncoderOptions, rng: ReturnType<typeof createRng>) {
    super();
    this.proj = normalParam([o.buckets, o.dim], rng, 1 / Math.sqrt(o.dim));
    this.mlp = new Mlp({ sizes: [o.dim, o.hidden, o.dim], rng });
  }

  forward(f: TextFeatures, rows: ArrayLike<number>): Tensor {
    const B = rows.length, T = f.maxTerms, ids = new Int32Array(B * T), w = new Float32Array(B * T);
    for (let b = 0; b < B; b++) {
      const r = rows[b]!;
      ids.set(f.ids.subarray(r * T, (r + 1) * T), b * T);
      w.set(f.weights.subarray(r * T, (r + 1) * T), b * T);
    }
    const x = embeddingBag(this.proj, ids, w, B, T);
    return l2Normalize(add(x, this.mlp.forward(x)));
  }
}

class DualTowers extends Module {
  readonly post: Tower;
  readonly reply: Tower;
  constructor(o: ReplyEncoderOptions) {
    super();
    const rng = createRng(o.seed);
    this.post = new Tower(o, rng);
    this.reply = new Tower(o, rng);
  }
}

/** Lower-cased, whitespace collapsed: replies equal under it are one response. */
export function normalizeReply(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

export class ReplyEncoder {
  private unseenIdf: number | undefined;

  private constructor(
    readonly options: ReplyEncoderOptions,
    private readonly net: DualTowers,
    private readonly postIdf: Float32Array,
    private readonly replyIdf: Float32Array,
    /** Mean training loss of the last epoch. */
    readonly loss: number,
  ) {}

  get dim(): number {
    return this.options.dim;
  }

  /**
   * Trains on (post, reply) pairs; `INVALID_INPUT` below two pairs (in-batch negatives need a batch). Yields to the
   * event loop every 16 batches, so a server keeps answering while it trains; an aborted `signal` stops it early.
   */
  static async fit(pairs: readonly ReplyPair[], options: Partial<ReplyEncoderOptions> = {}, signal?: AbortSignal): Promise<ReplyEncoder> {
    const o = { ...REPLY_ENCODER_DEFAULTS, ...options };
    if (pairs.length < 2) throw createError('INVALID_INPUT', { field: 'pairs', problem: `the dual encoder needs at least 2 (post, reply) pairs, got ${pairs.length}` });
    const postF = buildTokenFeatures(pairs.map((p) => replyTokens(p.post, o.ngrams)), o.buckets, o.maxTerms);
    const replyF = buildTokenFeatures(pairs.map((p) => replyTokens(p.reply, o.ngrams)), o.buckets, o.maxTerms);
    const keyOf = new Map<string, number>();
    const replyKey = Int32Array.from(pairs, (p) => {
      const k = normalizeReply(p.reply);
      let id = keyOf.get(k);
      if (id === undefined) keyOf.set(k, (id = keyOf.size));
      return id;
    });
    const net = new DualTowers(o);
    const tables = [net.post.proj, net.reply.proj];
    const sparse = new SparseAdam(tables, { lr: o.learningRate });
    const dense = new Adam([...net.post.mlp.parameters(), ...net.reply.mlp.parameters()], { lr: o.learningRate });
    let loss = NaN;
    for (let epoch = 0; epoch < o.epochs && !signal?.aborted; epoch++) {
      const order = createRng((o.seed * 0x9e3779b1 + (epoch + 1) * 7919) >>> 0).shuffle(Array.from({ length: pairs.length }, (_, k) => k));
      let sum = 0, batches = 0;
      for (let s = 0; s + 1 < order.length; s += o.batchSize) {
        const rows = order.slice(s, Math.min(order.length, s + o.batchSize));
        sparse.zeroGrad();
        dense.zeroGrad();
        const q = net.post.forward(postF, rows), r = net.reply.forward(replyF, rows);
        const logits = add(matmul(q, r, { transB: true, alpha: 1 / o.temperature }), logitAdjustment(rows.map((k) => replyKey[k]!), undefined));
        const l = crossEntropy(logits, Int32Array.from(rows, (_, b) => b));
        l.backward();
        sparse.step();
        dense.step();
        sum += l.item();
        if (++batches % 16 === 0) await new Promise((r) => setImmediate(r));
      }
      loss = sum / Math.max(1, batches);
    }
    net.eval();
    return new ReplyEncoder(o, net, postF.idf, replyF.idf, loss);
  }

  /** How many of the text's n-grams occur in the training posts (0: the post vector says nothing). */
  knownPostTerms(text: string): number {
    const idf = this.postIdf;
    // The idf of a bucket no training post hit is the largest there is.
    this.unseenIdf ??= idf.reduce((m, x) => Math.max(m, x), 0);
    const unseen = this.unseenIdf;
    let known = 0;
    for (const t of replyTokens(text, this.options.ngrams)) if (idf[bucketOf(t, idf.length)]! < unseen - 1e-6) known++;
    return known;
  }

  /** Unit vectors (texts × dim) of texts as posts (the question side) or as replies. */
  encode(side: 'post' | 'reply', texts: readonly string[]): Float32Array {
    const f = featuresWithIdf(texts.map((t) => replyTokens(t, this.options.ngrams)), side === 'post' ? this.postIdf : this.replyIdf, this.options.maxTerms);
    const tower = side === 'post' ? this.net.post : this.net.reply;
    return noGrad(() => batchedVectors(texts.length, this.dim, (ids) => tower.forward(f, ids).data, 512));
  }
}
