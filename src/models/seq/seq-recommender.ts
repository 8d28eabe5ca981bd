/**
 * @module SeqRecommender: the shared half of the sequential recommenders (SASRec, GRU4Rec) — user sequences from
 * the time-ordered log, the training loop (Adam, progress, validation NDCG@10 with early stopping, resumable
 * safetensors checkpoints), scoring by the last position's representation against the item table with `gemm`,
 * online history extension (`partialFit`) and the artifact.
 *
 * Validation follows SASRec's `data_partition` / `evaluate_valid`: each user with ≥ 3 items gives their last
 * training item to validation (never a training target); the metric is NDCG@10 of that item among 100 items the
 * user never met (at most 10 000 users, as the official code), on candidates drawn once per fit. At the end the
 * best evaluated parameters are restored. Scoring (serving and test) reads the user's whole history.
 */
import { existsSync } from 'node:fs';
import { createError, isResonateError } from '../../core/errors.js';
import { noProgress, throwIfAborted } from '../../core/progress.js';
import { createRng, type Rng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { gemm } from '../../math/gemm.js';
import { cosineNeighbours } from '../cosine-neighbours.js';
import type { Module } from '../../nn/module.js';
import { Adam } from '../../nn/optim/adam.js';
import { loadSafetensors, saveSafetensors, type TensorMap } from '../../nn/safetensors.js';
import { noGrad, type Tensor } from '../../nn/tensor.js';
import { BaseRecommender } from '../base-recommender.js';
import { csrFromTensors, csrTensors, stateInt, tensor } from '../shared/model-io.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import { holdOutLast, sequenceOf, userSequences, type Sequences } from './sequences.js';

/** Hyperparameters every sequential model shares. */
export interface SeqTrainParams {
  epochs: number;
  batchSize: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  /** Evaluate validation NDCG@10 every this many epochs (0: never; then no early stopping). */
  evalEvery: number;
  /** Stop after this many evaluations without improvement. */
  patience: number;
  validationUsers: number;
  validationNegatives: number;
  /** Safetensors file to save training state to after each evaluation, and to resume from when present. */
  checkpoint?: string | undefined;
}

/** A network the trainer can drive. Item row = dense item index + 1; row 0 is padding. */
export interface SeqNetwork extends Module {
  /** Width of the user representation and item rows. */
  readonly hidden: number;
  /** Item rows [n + 1, hidden] that score a representation (and their bias, if any). */
  outputTable(): Tensor;
  outputBias(): Float32Array | null;
}

/** What a model adds on top of this base. */
export interface SeqModelHooks<N extends SeqNetwork> {
  buildNet(nItems: number, rng: Rng): N;
  /** Training loss of one mini-batch of users (their training sequences, `rng` for negatives and dropout). */
  batchLoss(net: N, seqs: Sequences, users: Int32Array, nItems: number, rng: Rng): Tensor;
  /** Representations [n, hidden] of the users' states after their sequences (eval mode, no grad). */
  encode(net: N, histories: readonly ArrayLike<number>[]): Float32Array;
}

/** Progress line per epoch: what one epoch reports. */
export interface EpochReport {
  epoch: number;
  loss: number;
  seconds: number;
  /** CPU seconds of the process (all threads) during the epoch's training steps. */
  cpuSeconds: number;
  /** Validation NDCG@10 when evaluated this epoch. */
  ndcg?: number;
}

/** Users encoded per forward pass at inference. */
const ENCODE_BATCH = 256;
/** Users scored per gemm (one block of consecutive users). */
const SCORE_BATCH = 256;

export abstract class SeqRecommender<N extends SeqNetwork> extends BaseRecommender {
  protected net: N | undefined;
  /** Full histories (training data plus online additions). */
  protected seqs: Sequences | undefined;
  private appended = new Map<number, number[]>();
  private feats: Float32Array | undefined;
  private block: { index: number; scores: Float32Array } | undefined;
  /** Epoch log of the last fit (for benchmarks and reports). */
  history: EpochReport[] = [];
  /** Epoch whose parameters were kept (early stopping). */
  bestEpoch = 0;

  protected abstract readonly hooks: SeqModelHooks<N>;
  protected abstract trainParams(): SeqTrainParams;
  /** Called per epoch (benchmarks watch the curve). */
  onEpoch: ((r: EpochReport) => void) | undefined;

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    throwIfAborted(options.signal, this.id);
    const tp = this.trainParams();
    const nItems = data.items.size, nUsers = data.users.size;
    if (nItems === 0 || data.log.user.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    const seed = options.seed ?? 42;
    const full = userSequences(data);
    const { train, valid } = tp.evalEvery > 0 ? holdOutLast(full) : { train: full, valid: new Int32Array(nUsers).fill(-1) };
    const net = this.hooks.buildNet(nItems, createRng(seed));
    const params = net.parameters();
    const names = net.namedParameters().map(([n]) => n);
    const opt = new Adam(params, { lr: tp.learningRate, betas: [tp.beta1, tp.beta2] });
    const eligible: number[] = [];
    for (let u = 0; u < nUsers; u++) if (train.indptr[u + 1]! - train.indptr[u]! >= 2) eligible.push(u);
    if (eligible.length === 0) throw createError('DATASET_EMPTY', { what: 'users with at least two interactions' });
    const val = tp.evalEvery > 0 ? validationSet(train, valid, nItems, tp, seed) : null;
    const batches = Math.max(1, Math.floor(eligible.length / tp.batchSize));
    const progress = options.progress ?? noProgress;

    let start = 1, best = -Infinity, bad = 0;
    let bestState: Float32Array[] | null = null;
    this.history = [];
    this.bestEpoch = 0;
    // epochs and the checkpoint path may change between runs (to train further); nothing else may.
    const { epochs: _e, checkpoint: _c, ...fixed } = this.params as Record<string, unknown>;
    const fingerprint = `${nUsers}x${nItems}:${train.items.length}:${JSON.stringify(fixed)}:${seed}`;
    if (tp.checkpoint !== undefined && existsSync(tp.checkpoint)) {
      const ck = readCheckpoint(tp.checkpoint, fingerprint, names, params, opt);
      start = ck.epoch + 1;
      best = ck.best;
      bad = ck.bad;
      bestState = ck.bestState;
      this.bestEpoch = ck.bestEpoch;
      this.history = ck.history;
      options.logger?.info({ model: this.id, epoch: ck.epoch }, 'resumed from checkpoint');
    }
    const users = new Int32Array(tp.batchSize);
    for (let epoch = start; epoch <= tp.epochs; epoch++) {
      // One generator per epoch: a resumed run draws exactly what an uninterrupted one would.
      const rng = createRng((seed * 1_000_003 + epoch * 7919) >>> 0);
      net.train();
      const t0 = performance.now(), c0 = process.cpuUsage();
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        throwIfAborted(options.signal, this.id);
        // As the official sampler: users drawn uniformly with replacement, len(train) // batch batches an epoch.
        for (let j = 0; j < users.length; j++) users[j] = eligible[rng.int(eligible.length)]!;
        opt.zeroGrad();
        const loss = this.hooks.batchLoss(net, train, users, nItems, rng);
        lossSum += loss.item();
        loss.backward();
        opt.step();
        progress((epoch - 1) * batches + b + 1, tp.epochs * batches, `${this.id} epoch ${epoch}`);
        if (b % 16 === 15) await new Promise((r) => setImmediate(r)); // let aborts and timers through
      }
      const cpu = process.cpuUsage(c0);
      const report: EpochReport = { epoch, loss: lossSum / batches, seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
      let stop = false;
      if (val !== null && epoch % tp.evalEvery === 0) {
        report.ndcg = validationNdcg(this.hooks, net, train, val);
        if (report.ndcg > best) {
          best = report.ndcg;
          bad = 0;
          this.bestEpoch = epoch;
          bestState = params.map((p) => p.data.slice());
        } else if (++bad >= tp.patience) stop = true;
      }
      this.history.push(report);
      this.onEpoch?.(report);
      options.logger?.info({ model: this.id, ...report }, 'epoch');
      if (tp.checkpoint !== undefined && (report.ndcg !== undefined || epoch === tp.epochs)) {
        writeCheckpoint(tp.checkpoint, fingerprint, names, params, opt, { epoch, best, bad, bestEpoch: this.bestEpoch, bestState, history: this.history });
      }
      if (stop) break;
    }
    if (bestState !== null) params.forEach((p, i) => p.data.set(bestState![i]!));
    else this.bestEpoch = this.history.length > 0 ? this.history[this.history.length - 1]!.epoch : 0;
    net.eval();
    this.net = net;
    this.seqs = full;
    this.appended.clear();
    this.feats = undefined;
    this.block = undefined;
    this.setSeen(data);
  }

  // ------------------------------------------------------------------------------------------------- scoring

  private historyOfUser(u: number): ArrayLike<number> {
    const base = sequenceOf(this.seqs!, u);
    const extra = this.appended.get(u);
    if (!extra) return base;
    return Int32Array.from([...base, ...extra]);
  }

  /** Representations of every known user, computed once (then kept until partialFit changes a history). */
  protected userFeatures(): Float32Array {
    if (this.feats === undefined) {
      const H = this.net!.hidden, n = this.nUsers;
      const out = new Float32Array(n * H);
      for (let s = 0; s < n; s += ENCODE_BATCH) {
        const hist: ArrayLike<number>[] = [];
        for (let u = s; u < Math.min(n, s + ENCODE_BATCH); u++) hist.push(this.historyOfUser(u));
        out.set(noGrad(() => this.hooks.encode(this.net!, hist)), s * H);
      }
      this.feats = out;
    }
    return this.feats;
  }

  /**
   * Scores come from one gemm per block of SCORE_BATCH consecutive users (the block is kept until the next
   * block is asked for), so scanning users in order costs one gemm per block, and a user's scores are bitwise
   * the same whether asked alone or in a batch (same product, same row).
   */
  protected scoreUser(user: number, out: Float32Array): void {
    const block = Math.floor(user / SCORE_BATCH), V = this.nItems;
    if (this.block === undefined || this.block.index !== block) this.block = { index: block, scores: this.scoreBlock(block) };
    const row = user - block * SCORE_BATCH;
    out.set(this.block.scores.subarray(row * V, (row + 1) * V));
  }

  private scoreBlock(block: number): Float32Array {
    const H = this.net!.hidden, V = this.nItems;
    const feats = this.userFeatures(), table = this.net!.outputTable().data.subarray(H), bias = this.net!.outputBias();
    const first = block * SCORE_BATCH, rows = Math.min(SCORE_BATCH, this.nUsers - first);
    const c = new Float32Array(rows * V);
    gemm({ m: rows, n: V, k: H, a: feats.subarray(first * H, (first + rows) * H), b: table, c, transB: true });
    if (bias) for (let j = 0; j < rows; j++) for (let i = 0; i < V; i++) c[j * V + i] = c[j * V + i]! + bias[i + 1]!;
    return c;
  }

  /** Cosine similarity of item rows of the output table. */
  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    // Row 0 of the output table is padding; item i is row i + 1.
    const H = this.net!.hidden;
    return cosineNeighbours(this.net!.outputTable().data.subarray(H), H, this.nItems, item, k);
  }

  /** Appends the items (in the given order) to the user's sequence: the next recommendations follow them. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
    let extra = this.appended.get(user);
    if (!extra) this.appended.set(user, (extra = []));
    for (let j = 0; j < items.length; j++) extra.push(items[j]!);
    this.feats = undefined;
    this.block = undefined;
  }

  // ------------------------------------------------------------------------------------------------ artifact

  protected artifact(kind: string, version: number): Artifact {
    this.requireFitted();
    const n = this.nUsers;
    const indptr = new Int32Array(n + 1);
    const rows: ArrayLike<number>[] = [];
    for (let u = 0; u < n; u++) {
      rows.push(this.historyOfUser(u));
      indptr[u + 1] = indptr[u]! + rows[u]!.length;
    }
    const items = new Int32Array(indptr[n]!);
    rows.forEach((r, u) => items.set(r, indptr[u]!));
    const tensors: TensorMap = {
      ...csrTensors('seen', this.historyCsr()),
      'sequence.indptr': { data: indptr, shape: [n + 1] },
      'sequence.items': { data: items, shape: [items.length] },
    };
    for (const [name, t] of Object.entries(this.net!.stateDict())) tensors[`net.${name}`] = t;
    return { kind, version, params: { ...this.params }, tensors, state: { nUsers: n, nItems: this.nItems, bestEpoch: this.bestEpoch } };
  }

  protected restore(a: Artifact, where: string): void {
    const nUsers = stateInt(a.state, 'nUsers', where), nItems = stateInt(a.state, 'nItems', where);
    const indptr = tensor(a.tensors, 'sequence.indptr', where).data, items = tensor(a.tensors, 'sequence.items', where).data;
    if (!(indptr instanceof Int32Array) || !(items instanceof Int32Array) || indptr.length !== nUsers + 1 || indptr[nUsers] !== items.length) {
      throw createError('ARTIFACT_INVALID', { path: where, problem: `sequence tensors do not describe ${nUsers} users` });
    }
    for (let k = 0; k < items.length; k++) if (!(items[k]! >= 0 && items[k]! < nItems)) throw createError('ARTIFACT_INVALID', { path: where, problem: `sequence.items[${k}] = ${items[k]} is not an item` });
    const seen = csrFromTensors(a.tensors, 'seen', nUsers, nItems, where);
    const net = this.hooks.buildNet(nItems, createRng(0));
    const state: TensorMap = {};
    for (const [name, t] of Object.entries(a.tensors)) if (name.startsWith('net.')) state[name.slice(4)] = t;
    try {
      net.loadStateDict(state);
    } catch (e) {
      if (isResonateError(e)) throw createError('ARTIFACT_INVALID', { path: where, problem: e.message });
      throw e;
    }
    net.eval();
    this.net = net;
    this.seqs = { indptr, items };
    this.seen = seen;
    this.nUsers = nUsers;
    this.nItems = nItems;
    const be = a.state.bestEpoch;
    this.bestEpoch = typeof be === 'number' ? be : 0;
  }
}

// ------------------------------------------------------------------------------------------------- validation

interface ValidationSet {
  users: Int32Array;
  /** Per user: the validation item first, then the negatives. */
  candidates: Int32Array[];
}

function validationSet(train: Sequences, valid: Int32Array, nItems: number, tp: SeqTrainParams, seed: number): ValidationSet | null {
  const rng = createRng((seed ^ 0x7a11d) >>> 0);
  let users: number[] = [];
  for (let u = 0; u < valid.length; u++) if (valid[u]! >= 0 && train.indptr[u + 1]! > train.indptr[u]!) users.push(u);
  if (users.length === 0) return null;
  if (users.length > tp.validationUsers) users = rng.shuffle(users).slice(0, tp.validationUsers).sort((a, b) => a - b);
  const candidates = users.map((u) => {
    const rated = new Set<number>(sequenceOf(train, u));
    rated.add(valid[u]!);
    const free = nItems - rated.size;
    const want = Math.min(tp.validationNegatives, free);
    const out = [valid[u]!];
    if (want === free) {
      for (let i = 0; i < nItems; i++) if (!rated.has(i)) out.push(i);
    } else {
      const picked = new Set<number>();
      while (picked.size < want) {
        const i = rng.int(nItems);
        if (!rated.has(i) && !picked.has(i)) { picked.add(i); out.push(i); }
      }
    }
    return Int32Array.from(out);
  });
  return { users: Int32Array.from(users), candidates };
}

/** Mean NDCG@10 of the validation item: 1/log2(rank + 2) when fewer than 10 candidates score strictly higher. */
function validationNdcg<N extends SeqNetwork>(hooks: SeqModelHooks<N>, net: N, train: Sequences, val: ValidationSet): number {
  net.eval();
  const H = net.hidden, table = net.outputTable().data, bias = net.outputBias();
  let total = 0;
  for (let s = 0; s < val.users.length; s += ENCODE_BATCH) {
    const us = val.users.subarray(s, Math.min(val.users.length, s + ENCODE_BATCH));
    const feats = noGrad(() => hooks.encode(net, Array.from(us, (u) => sequenceOf(train, u))));
    for (let j = 0; j < us.length; j++) {
      const cand = val.candidates[s + j]!;
      const score = (item: number): number => {
        let d = bias ? bias[item + 1]! : 0;
        const fo = j * H, to = (item + 1) * H;
        for (let a = 0; a < H; a++) d += feats[fo + a]! * table[to + a]!;
        return d;
      };
      const target = score(cand[0]!);
      let rank = 0;
      for (let c = 1; c < cand.length; c++) if (score(cand[c]!) > target) rank++;
      if (rank < 10) total += 1 / Math.log2(rank + 2);
    }
  }
  net.train();
  return total / val.users.length;
}

// ------------------------------------------------------------------------------------------------ checkpoints

interface CheckpointState {
  epoch: number;
  best: number;
  bad: number;
  bestEpoch: number;
  bestState: Float32Array[] | null;
  history: EpochReport[];
}

/**
 * Adam's moment buffers. The engine's Adam keeps them private; checkpoints need them, so they are read through
 * this one narrow view (an engine-side `state()` accessor would replace it).
 */
function adamMoments(opt: Adam): { m: Float32Array[]; v: Float32Array[] } {
  return opt as unknown as { m: Float32Array[]; v: Float32Array[] };
}

function writeCheckpoint(path: string, fingerprint: string, names: string[], params: Tensor[], opt: Adam, s: CheckpointState): void {
  const { m, v } = adamMoments(opt);
  const tensors: TensorMap = {};
  params.forEach((p, i) => {
    tensors[`param.${names[i]}`] = { data: p.data, shape: p.shape.slice() };
    tensors[`adam.m.${names[i]}`] = { data: m[i]!, shape: p.shape.slice() };
    tensors[`adam.v.${names[i]}`] = { data: v[i]!, shape: p.shape.slice() };
    if (s.bestState) tensors[`best.${names[i]}`] = { data: s.bestState[i]!, shape: p.shape.slice() };
  });
  saveSafetensors(path, tensors, {
    format: 'resonate-seq-checkpoint',
    fingerprint,
    state: JSON.stringify({ epoch: s.epoch, best: Number.isFinite(s.best) ? s.best : null, bad: s.bad, bestEpoch: s.bestEpoch, adamStep: opt.t, history: s.history }),
  });
}

function readCheckpoint(path: string, fingerprint: string, names: string[], params: Tensor[], opt: Adam): CheckpointState {
  const { tensors, metadata } = loadSafetensors(path);
  if (metadata.format !== 'resonate-seq-checkpoint' || metadata.fingerprint !== fingerprint) {
    throw createError('ARTIFACT_INVALID', { path, problem: 'checkpoint belongs to another model, dataset, seed or hyperparameters' });
  }
  const st = JSON.parse(metadata.state ?? '{}') as { epoch: number; best: number | null; bad: number; bestEpoch: number; adamStep: number; history: EpochReport[] };
  const { m, v } = adamMoments(opt);
  const get = (name: string, size: number): Float32Array => {
    const t = tensors[name];
    if (!t || !(t.data instanceof Float32Array) || t.data.length !== size) throw createError('ARTIFACT_INVALID', { path, problem: `tensor ${name} missing or of the wrong size` });
    return t.data;
  };
  const hasBest = tensors[`best.${names[0]}`] !== undefined;
  const bestState: Float32Array[] | null = hasBest ? [] : null;
  params.forEach((p, i) => {
    p.data.set(get(`param.${names[i]}`, p.size));
    m[i]!.set(get(`adam.m.${names[i]}`, p.size));
    v[i]!.set(get(`adam.v.${names[i]}`, p.size));
    if (bestState) bestState.push(get(`best.${names[i]}`, p.size).slice());
  });
  opt.t = st.adamStep;
  return { epoch: st.epoch, best: st.best ?? -Infinity, bad: st.bad, bestEpoch: st.bestEpoch, bestState, history: st.history };
}
