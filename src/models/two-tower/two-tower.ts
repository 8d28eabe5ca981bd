/**
 * @module Two-tower retrieval (Yi, Yang, Hong, Cheng, Heldt, Kumthekar, Zhao, Wei & Chi 2019, "Sampling-Bias-
 * Corrected Neural Modeling for Large Corpus Item Recommendations"; Covington et al. 2016 for the user tower).
 *
 * User tower: MLP([mean of the embeddings of the user's `historyLength` most recent items; mean of followees' user embeddings; the user's id embedding]). Item tower: MLP([item id
 * embedding; hashed TF-IDF of text and tags × a projection, plus the item's unit media vectors (posts'
 * `features.vectors`, concatenated) × another when the snapshot has any; author embedding]). Both outputs L2-normalised.
 * Loss: in-batch softmax over the batch's items with logits s(u, v_j)/τ − log Q_j, where Q_j is item j's
 * sampling probability, estimated by its share of training interactions (the log-Q correction of Yi et al.),
 * and an item appearing twice in a batch is masked off the other rows. Item ids are dropped (replaced by
 * the padding row) with probability `idDropout`, and items without interactions always use it, so the tower
 * learns to place an item from its text and author alone: a cold item is served from its content.
 * The history keeps the target item in training (autoencoder-style, as EASE or Mult-VAE reconstruct their
 * input): leaving it out made the tower learn "the positive is whatever is missing from the history", which
 * on planted blocks dropped top-5 precision from 0.66 to 0.37.
 *
 * Serving: user and item vectors are computed once after fit; `scoreUser` scores every item exactly up to
 * `exactMaxItems` items, and beyond that asks a usearch HNSW index (inner product) for the best
 * `indexCandidates` (+ history) items, the rest scoring −∞. The index is rebuilt at load.
 */
import { batchedVectors } from './batched-vectors.js';
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { createRng, type Rng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { csrMap, type Csr } from '../../math/csr.js';
import { Mlp } from '../../nn/layers/mlp.js';
import { normalParam } from '../../nn/init.js';
import { Module } from '../../nn/module.js';
import { add } from '../../nn/ops/arithmetic.js';
import { crossEntropy } from '../../nn/ops/loss.js';
import { matmul } from '../../nn/ops/matmul.js';
import { concat } from '../../nn/ops/shape.js';
import { Adam } from '../../nn/optim/adam.js';
import { noGrad, Tensor } from '../../nn/tensor.js';
import { BaseRecommender } from '../base-recommender.js';
import { runFingerprint } from '../shared/checkpoint.js';
import { carveValidation, validationNdcg } from '../shared/holdout.js';
import { f32Tensor, i32Tensor, parseParams, stateInt, tensor } from '../shared/model-io.js';
import { trainLoop, type TrainSummary } from '../shared/train-loop.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { validationParams } from '../shared/early-stopping.js';
import { embeddingBag } from './embedding-bag.js';
import { buildItemIndex, type ItemIndex } from './item-index.js';
import { l2Normalize } from './l2-normalize.js';
import { buildTextFeatures, featurise } from './text-features.js';
import { mediaRows } from '../shared/media-vectors.js';
import { topK } from '../../math/top-k.js';

export const TWO_TOWER_ID = 'neural/two-tower';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const twoTowerParamsSchema = z
  .object({
    /** Width of every input embedding (item id, user id, author, text projection). */
    embeddingDim: z.number().int().min(1).max(1024).default(32),
    /** Hidden layer of each tower's MLP. */
    hidden: z.number().int().min(1).max(4096).default(64),
    /** Output (retrieval) vector size. */
    outputDim: z.number().int().min(1).max(1024).default(32),
    /** Softmax temperature τ (Yi et al. tune it in [0.02, 0.1] on large corpora; small catalogues overfit that sharp a softmax, 0.1 here). */
    temperature: z.number().positive().default(0.1),
    /** Subtract log Q_j from in-batch logits (sampling-bias correction). */
    logQ: z.boolean().default(true),
    /** Most recent history items averaged in the user tower. */
    historyLength: z.number().int().min(0).max(1000).default(50),
    /** Followees averaged in the user tower (first ones by index). */
    maxFollowees: z.number().int().min(0).max(1000).default(50),
    /** Hash buckets of the text features (2^14). */
    textBuckets: z.number().int().min(1).max(1 << 22).default(1 << 14),
    /** Heaviest text terms kept per item. */
    maxTerms: z.number().int().min(1).max(1024).default(32),
    /** Probability of replacing an item id by the padding row in training (teaches content-only vectors). */
    idDropout: z.number().min(0).max(1).default(0.1),
    epochs: z.number().int().min(1).max(10_000).default(20),
    learningRate: z.number().positive().default(2e-3),
    batchSize: z.number().int().min(2).default(512),
    ...validationParams({ validationFraction: 0.1, evalEvery: 1, patience: 3, validationK: 10 }),
    /** Catalogues up to this size are scored exactly; larger ones through the usearch index. */
    exactMaxItems: z.number().int().min(0).default(50_000),
    /** Items the index returns per query (plus the user's history length, so exclusions leave enough). */
    indexCandidates: z.number().int().min(1).default(200),
    /** HNSW degree and search breadth. */
    indexConnectivity: z.number().int().min(2).default(16),
    indexExpansion: z.number().int().min(1).default(64),
  })
  .strict();

export type TwoTowerParams = z.output<typeof twoTowerParamsSchema>;

/** Static inputs of the towers, built from the Dataset. */
export interface Features {
  nUsers: number;
  nItems: number;
  /** Per user: most recent history items (−1 padded), historyLength slots. */
  history: Int32Array;
  histLen: Int32Array;
  /** Per user: followees (−1 padded), maxFollowees slots. */
  followees: Int32Array;
  follLen: Int32Array;
  /** Per item: text (bucket, weight) rows. */
  textIds: Int32Array;
  textW: Float32Array;
  idf: Float32Array;
  /** Per item: author user index or −1. */
  authors: Int32Array;
  /** Per item: has training interactions (else its id row is never used). */
  warm: Uint8Array;
  /** Per item: its unit media vectors concatenated (items × mediaDim, zeros where absent); mediaDim 0 without media. */
  media?: Float32Array;
  mediaDim: number;
}

export class TwoTowerNet extends Module {
  readonly itemId: Tensor;
  readonly userId: Tensor;
  readonly author: Tensor;
  readonly textProj: Tensor;
  /** Projection of the media vectors into the text embedding's space (absent without media). */
  readonly mediaProj?: Tensor;
  readonly userMlp: Mlp;
  readonly itemMlp: Mlp;

  constructor(nUsers: number, nItems: number, p: TwoTowerParams, rng: Rng, mediaDim = 0) {
    super();
    const e = p.embeddingDim, std = 1 / Math.sqrt(e);
    this.itemId = normalParam([nItems, e], rng, std);
    this.userId = normalParam([nUsers, e], rng, std);
    this.author = normalParam([nUsers, e], rng, std);
    this.textProj = normalParam([p.textBuckets, e], rng, std);
    if (mediaDim > 0) this.mediaProj = mediaProjection(mediaDim, e, rng);
    this.userMlp = new Mlp({ sizes: [3 * e, p.hidden, p.outputDim], rng });
    this.itemMlp = new Mlp({ sizes: [3 * e, p.hidden, p.outputDim], rng });
  }
}

/** The projection of media vectors (mediaDim × e) into the text embedding's space, initialised as the other tables. */
export function mediaProjection(mediaDim: number, e: number, rng: Rng): Tensor {
  return normalParam([mediaDim, e], rng, 1 / Math.sqrt(e));
}

/** The saved form of the features' media rows (nothing without media); `mediaDim` goes in the artifact's state. */
export function mediaTensors(f: Features): Record<string, { data: Float32Array; shape: number[] }> {
  return f.media ? { 'features.media': { data: f.media, shape: [f.nItems, f.mediaDim] } } : {};
}

/** Reads the media rows of an artifact into `features` and returns mediaDim (0 for artifacts written without media). */
export function restoreMedia(a: Artifact, features: Features, where: string): number {
  const mediaDim = a.state.mediaDim === undefined || a.state.mediaDim === 0 ? 0 : stateInt(a.state, 'mediaDim', where);
  if (mediaDim > 0) Object.assign(features, { media: f32Tensor(a.tensors, 'features.media', features.nItems * mediaDim, where), mediaDim });
  return mediaDim;
}

/** Bag inputs for rows `rows` of a padded (rows × width) table, each weighted 1/length; `drop` leaves one item out. */
export function meanBag(table: Int32Array, lens: Int32Array, width: number, rows: ArrayLike<number>, drop?: ArrayLike<number>): { ids: Int32Array; w: Float32Array } {
  const B = rows.length, ids = new Int32Array(B * width).fill(-1), w = new Float32Array(B * width);
  for (let b = 0; b < B; b++) {
    const r = rows[b]!, len = lens[r]!;
    let kept = 0;
    for (let t = 0; t < len; t++) {
      const id = table[r * width + t]!;
      if (drop && id === drop[b]) continue;
      ids[b * width + kept] = id;
      kept++;
    }
    for (let t = 0; t < kept; t++) w[b * width + t] = 1 / kept;
  }
  return { ids, w };
}

function userTower(net: TwoTowerNet, f: Features, p: TwoTowerParams, users: ArrayLike<number>, dropItems?: ArrayLike<number>): Tensor {
  const B = users.length, H = Math.max(1, p.historyLength), F = Math.max(1, p.maxFollowees);
  const h = meanBag(f.history, f.histLen, H, users, dropItems);
  const fo = meanBag(f.followees, f.follLen, F, users);
  const uid = Int32Array.from(users), one = new Float32Array(B).fill(1);
  const x = concat([
    embeddingBag(net.itemId, h.ids, h.w, B, H),
    embeddingBag(net.userId, fo.ids, fo.w, B, F),
    embeddingBag(net.userId, uid, one, B, 1),
  ], -1);
  return l2Normalize(net.userMlp.forward(x));
}

/** The weights the item tower reads (`TwoTowerNet` has them; so does the private twin's net). */
export type ItemTowerWeights = Pick<TwoTowerNet, 'itemId' | 'textProj' | 'author' | 'itemMlp' | 'mediaProj'>;

/** The media rows of `items` (zeros for an item outside the catalogue) × the media projection, or undefined without media. */
function mediaEmbedding(net: ItemTowerWeights, f: Features, items: ArrayLike<number>): Tensor | undefined {
  if (!net.mediaProj || !f.media || f.mediaDim === 0) return undefined;
  const B = items.length, M = f.mediaDim, rows = new Float32Array(B * M);
  for (let b = 0; b < B; b++) {
    const i = items[b]!;
    if (i >= 0 && i < f.nItems) rows.set(f.media.subarray(i * M, (i + 1) * M), b * M);
  }
  return matmul(new Tensor(rows, [B, M]), net.mediaProj);
}

export function itemTower(net: ItemTowerWeights, f: Features, p: Pick<TwoTowerParams, 'maxTerms'>, items: ArrayLike<number>, keepId: (b: number, item: number) => boolean, text?: { ids: Int32Array; w: Float32Array }, authors?: Int32Array): Tensor {
  const B = items.length, T = p.maxTerms;
  const ids = new Int32Array(B), one = new Float32Array(B).fill(1);
  const tIds = text?.ids ?? new Int32Array(B * T), tW = text?.w ?? new Float32Array(B * T), au = authors ?? new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const i = items[b]!;
    ids[b] = i >= 0 && i < f.nItems && f.warm[i] && keepId(b, i) ? i : -1;
    if (!text) {
      tIds.set(f.textIds.subarray(i * T, (i + 1) * T), b * T);
      tW.set(f.textW.subarray(i * T, (i + 1) * T), b * T);
    }
    if (!authors) au[b] = f.authors[i]!;
  }
  const textEmb = embeddingBag(net.textProj, tIds, tW, B, T);
  const media = mediaEmbedding(net, f, items);
  const x = concat([
    embeddingBag(net.itemId, ids, one, B, 1),
    media ? add(textEmb, media) : textEmb,
    embeddingBag(net.author, au, one, B, 1),
  ], -1);
  return l2Normalize(net.itemMlp.forward(x));
}

/** −log Q_j for each column, and −1e9 where a row's column holds that row's positive item at another slot. */
export function logitAdjustment(items: ArrayLike<number>, logQ: Float32Array | undefined): Tensor {
  const B = items.length, out = new Float32Array(B * B);
  for (let r = 0; r < B; r++) {
    for (let j = 0; j < B; j++) {
      if (j !== r && items[j] === items[r]) out[r * B + j] = -1e9;
      else if (logQ) out[r * B + j] = -logQ[items[j]!]!;
    }
  }
  return new Tensor(out, [B, B]);
}

export function buildFeatures(data: Dataset, train: Csr, times: Float64Array | undefined, p: Pick<TwoTowerParams, 'historyLength' | 'maxFollowees' | 'textBuckets' | 'maxTerms'>): Features {
  const nU = train.rows, nI = train.cols, H = Math.max(1, p.historyLength), F = Math.max(1, p.maxFollowees);
  const history = new Int32Array(nU * H).fill(-1), histLen = new Int32Array(nU);
  for (let u = 0; u < nU; u++) {
    const s = train.indptr[u]!, e = train.indptr[u + 1]!;
    const order = Array.from({ length: e - s }, (_, k) => s + k);
    if (times) order.sort((a, b) => times[b]! - times[a]! || train.indices[a]! - train.indices[b]!);
    const take = Math.min(p.historyLength, order.length);
    for (let t = 0; t < take; t++) history[u * H + t] = train.indices[order[t]!]!;
    histLen[u] = take;
  }
  const followees = new Int32Array(nU * F).fill(-1), follLen = new Int32Array(nU);
  const fg = data.follows;
  for (let u = 0; u < Math.min(nU, fg.rows); u++) {
    let t = 0;
    for (let q = fg.indptr[u]!; q < fg.indptr[u + 1]! && t < p.maxFollowees; q++) {
      const v = fg.indices[q]!;
      if (v < nU && v !== u) followees[u * F + t++] = v;
    }
    follLen[u] = t;
  }
  const text = buildTextFeatures(data.itemTexts.slice(0, nI), data.itemTags.slice(0, nI), p.textBuckets, p.maxTerms);
  const warm = new Uint8Array(nI);
  for (let q = 0; q < train.indices.length; q++) warm[train.indices[q]!] = 1;
  const authors = Int32Array.from({ length: nI }, (_, i) => { const a = data.itemAuthors[i] ?? -1; return a < nU ? a : -1; });
  const media = mediaRows(data, 1);
  return {
    nUsers: nU, nItems: nI, history, histLen, followees, follLen, textIds: text.ids, textW: text.weights, idf: text.idf, authors, warm,
    ...(media ? { media: media.rows.slice(0, nI * media.dim), mediaDim: media.dim } : { mediaDim: 0 }),
  };
}

/** Interaction times aligned with `sub`'s entries, looked up from the full matrix. */
export function alignedTimes(full: Csr, times: Float64Array, sub: Csr): Float64Array {
  const out = new Float64Array(sub.indices.length);
  for (let u = 0; u < sub.rows; u++) {
    let q = full.indptr[u]!;
    for (let k = sub.indptr[u]!; k < sub.indptr[u + 1]!; k++) {
      while (full.indices[q]! < sub.indices[k]!) q++;
      out[k] = times[q]!;
    }
  }
  return out;
}

export class TwoTowerRecommender extends BaseRecommender {
  readonly id = TWO_TOWER_ID;
  readonly params: Readonly<TwoTowerParams>;
  private net: TwoTowerNet | undefined;
  private features: Features | undefined;
  private userVecs: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private itemVecs: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private index: ItemIndex | undefined;
  trainingInfo: TrainSummary = { epochs: 0, bestEpoch: -1, validation: NaN, resumedFrom: 0 };

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(TWO_TOWER_ID, twoTowerParamsSchema, params);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const p = this.params;
    const r = csrMap(data.interactions, () => 1);
    const nnz = r.indptr[r.rows]!;
    if (nnz === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    const seed = options.seed ?? 42;
    const holdout = p.validationFraction > 0 ? carveValidation(r, p.validationFraction, createRng(seed ^ 0x5eed)) : undefined;
    const train = holdout ? holdout.train : r;
    const hasTimes = data.interactionTimes.length === r.indices.length && data.interactionTimes.some((t) => Number.isFinite(t) && t !== 0);
    const f = buildFeatures(data, train, hasTimes ? alignedTimes(r, data.interactionTimes, train) : undefined, p);
    const net = new TwoTowerNet(r.rows, r.cols, p, createRng(seed), f.mediaDim);
    this.net = net;
    this.features = f;
    this.nItems = r.cols;
    // Q_j: item j's share of the training interactions (the in-batch sampling probability up to a constant).
    const counts = new Float64Array(r.cols);
    for (let q = 0; q < train.indices.length; q++) counts[train.indices[q]!]!++;
    const logQ = p.logQ ? Float32Array.from(counts, (c) => Math.log(Math.max(c, 1) / train.indices.length)) : undefined;
    const rowOf = new Int32Array(train.indices.length);
    for (let u = 0; u < train.rows; u++) rowOf.fill(u, train.indptr[u]!, train.indptr[u + 1]!);
    const opt = new Adam(net.parameters(), { lr: p.learningRate });
    this.trainingInfo = await trainLoop({
      modelId: this.id,
      module: net,
      epochs: p.epochs,
      evalEvery: p.evalEvery,
      patience: p.patience,
      checkpointPath: p.checkpointPath,
      fingerprint: runFingerprint(this.id, { ...p }, seed, train, data.follows),
      signal: options.signal,
      progress: options.progress,
      logger: options.logger,
      runEpoch: (epoch) => {
        const rng = createRng((seed * 0x9e3779b1 + (epoch + 1) * 7919) >>> 0);
        const order = rng.shuffle(Array.from({ length: train.indices.length }, (_, k) => k));
        let loss = 0, batches = 0;
        for (let s = 0; s + 1 < order.length; s += p.batchSize) {
          const slice = order.slice(s, Math.min(order.length, s + p.batchSize));
          const users = Int32Array.from(slice, (k) => rowOf[k]!), items = Int32Array.from(slice, (k) => train.indices[k]!);
          opt.zeroGrad();
          const u = userTower(net, f, p, users);
          const v = itemTower(net, f, p, items, () => rng.next() >= p.idDropout);
          const logits = add(matmul(u, v, { transB: true, alpha: 1 / p.temperature }), logitAdjustment(items, logQ));
          const l = crossEntropy(logits, Int32Array.from({ length: users.length }, (_, b) => b));
          l.backward();
          opt.step();
          loss += l.item();
          batches++;
        }
        return loss / Math.max(1, batches);
      },
      validate: holdout
        ? () => {
            this.computeVectors();
            return validationNdcg(train, holdout.valid, p.validationK, (u, out) => this.exactScores(u, out));
          }
        : undefined,
    });
    this.computeVectors();
    this.setSeen(data);
    this.index = this.nItems > p.exactMaxItems ? this.buildIndex() : undefined;
  }

  /** User and item vectors of the current weights (inference mode), in batches. */
  private computeVectors(): void {
    const net = this.net!, f = this.features!, p = this.params, D = p.outputDim;
    net.eval();
    noGrad(() => {
      this.itemVecs = batchedVectors(f.nItems, D, (ids) => itemTower(net, f, p, ids, () => true).data);
      this.userVecs = batchedVectors(f.nUsers, D, (ids) => userTower(net, f, p, ids).data);
    });
    net.train();
  }


  private buildIndex(): ItemIndex {
    return buildItemIndex(this.itemVecs, this.params.outputDim, { connectivity: this.params.indexConnectivity, expansionSearch: this.params.indexExpansion });
  }

  private exactScores(user: number, out: Float32Array): void {
    const D = this.params.outputDim, u = this.userVecs, v = this.itemVecs, uo = user * D;
    for (let i = 0; i < this.nItems; i++) {
      let s = 0;
      for (let a = 0; a < D; a++) s += u[uo + a]! * v[i * D + a]!;
      out[i] = s;
    }
  }

  protected scoreUser(user: number, out: Float32Array): void {
    if (!this.index) { this.exactScores(user, out); return; }
    const D = this.params.outputDim;
    const k = this.params.indexCandidates + this.historyOf(user).items.length;
    const { items, scores } = this.index.search(this.userVecs.subarray(user * D, (user + 1) * D), k);
    out.fill(-Infinity);
    for (let t = 0; t < items.length; t++) out[items[t]!] = scores[t]!;
  }

  /** Retrieval through the usearch index whatever the catalogue size (for benchmarks): top-k items of a user. */
  retrieve(user: number, k: number, exact = false): Recommendation[] {
    this.requireFitted();
    const D = this.params.outputDim;
    if (exact) {
      const out = new Float32Array(this.nItems);
      this.exactScores(user, out);
      return topK(out, k).map((s) => ({ item: s.index, score: s.score }));
    }
    this.index ??= this.buildIndex();
    const { items, scores } = this.index.search(this.userVecs.subarray(user * D, (user + 1) * D), k);
    return Array.from(items, (item, t) => ({ item, score: scores[t]! }));
  }

  /** The item tower's vector of an item that is not in the catalogue (or not yet interacted with): content only. */
  embedItem(text: string, tags: readonly string[] = [], author = -1): Float32Array {
    this.requireFitted();
    const p = this.params, f = this.features!;
    const ids = new Int32Array(p.maxTerms), w = new Float32Array(p.maxTerms);
    featurise(text, tags, f.idf, p.maxTerms, ids, w);
    return noGrad(() => itemTower(this.net!, f, p, [-1], () => false, { ids, w }, Int32Array.of(author < f.nUsers ? author : -1)).data);
  }

  /** The fitted vector of a catalogue item. */
  itemVector(item: number): Float32Array {
    this.requireFitted();
    const D = this.params.outputDim;
    return this.itemVecs.slice(item * D, (item + 1) * D);
  }

  /** Items by cosine of their tower outputs (unit vectors: the inner product). */
  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const D = this.params.outputDim, v = this.itemVecs, io = item * D;
    const scores = new Float32Array(this.nItems);
    for (let j = 0; j < this.nItems; j++) {
      let s = 0;
      for (let a = 0; a < D; a++) s += v[io + a]! * v[j * D + a]!;
      scores[j] = s;
    }
    return topK(scores, k, (j) => j === item).map((s) => ({ item: s.index, score: s.score }));
  }

  save(): Artifact {
    this.requireFitted();
    const f = this.features!, D = this.params.outputDim, p = this.params;
    return this.artifactOf(VERSION, {
      ...Object.fromEntries(Object.entries(this.net!.stateDict()).map(([k, v]) => [`net.${k}`, v])),
      user_vectors: { data: this.userVecs, shape: [f.nUsers, D] },
      item_vectors: { data: this.itemVecs, shape: [f.nItems, D] },
      'features.history': { data: f.history, shape: [f.nUsers, Math.max(1, p.historyLength)] },
      'features.hist_len': { data: f.histLen, shape: [f.nUsers] },
      'features.followees': { data: f.followees, shape: [f.nUsers, Math.max(1, p.maxFollowees)] },
      'features.foll_len': { data: f.follLen, shape: [f.nUsers] },
      'features.text_ids': { data: f.textIds, shape: [f.nItems, p.maxTerms] },
      'features.text_w': { data: f.textW, shape: [f.nItems, p.maxTerms] },
      'features.idf': { data: f.idf, shape: [p.textBuckets] },
      'features.authors': { data: f.authors, shape: [f.nItems] },
      'features.warm': { data: f.warm, shape: [f.nItems] },
      ...mediaTensors(f),
    }, { featureUsers: f.nUsers, mediaDim: f.mediaDim, training: { ...this.trainingInfo } });
  }

  static load(a: Artifact): TwoTowerRecommender {
    const where = `${TWO_TOWER_ID} artifact`;
    const m = new TwoTowerRecommender(a.params);
    const p = m.params, D = p.outputDim;
    const { nItems } = m.restoreSeen(a, where);
    const fU = stateInt(a.state, 'featureUsers', where);
    const int = (name: string, length: number): Int32Array => i32Tensor(a.tensors, name, length, where);
    const warm = tensor(a.tensors, 'features.warm', where).data;
    if (!(warm instanceof Uint8Array) || warm.length !== nItems) throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor features.warm should be U8 with ${nItems} values` });
    const H = Math.max(1, p.historyLength), F = Math.max(1, p.maxFollowees);
    m.features = {
      nUsers: fU, nItems,
      history: int('features.history', fU * H), histLen: int('features.hist_len', fU),
      followees: int('features.followees', fU * F), follLen: int('features.foll_len', fU),
      textIds: int('features.text_ids', nItems * p.maxTerms), textW: f32Tensor(a.tensors, 'features.text_w', nItems * p.maxTerms, where),
      idf: f32Tensor(a.tensors, 'features.idf', p.textBuckets, where), authors: int('features.authors', nItems), warm, mediaDim: 0,
    };
    const mediaDim = restoreMedia(a, m.features, where);
    const net = new TwoTowerNet(fU, nItems, p, createRng(0), mediaDim);
    const weights = Object.fromEntries(Object.entries(a.tensors).filter(([k]) => k.startsWith('net.')).map(([k, v]) => [k.slice(4), v]));
    try {
      net.loadStateDict(weights);
    } catch (e) {
      throw createError('ARTIFACT_INVALID', { path: where, problem: e instanceof Error ? e.message : String(e) });
    }
    m.net = net.eval();
    m.userVecs = f32Tensor(a.tensors, 'user_vectors', fU * D, where);
    m.itemVecs = f32Tensor(a.tensors, 'item_vectors', nItems * D, where);
    m.index = nItems > p.exactMaxItems ? m.buildIndex() : undefined;
    return m;
  }
}

export const twoTowerFactory: ModelFactory = defineModel({
  id: TWO_TOWER_ID,
  version: VERSION,
  description: 'Two-tower retrieval: history, follows and id → user vector; id, text and author → item vector; log-Q corrected in-batch softmax; usearch index (Yi et al. 2019)',
  params: twoTowerParamsSchema,
  create: (params) => new TwoTowerRecommender(params),
  restore: (artifact) => TwoTowerRecommender.load(artifact),
});
