/**
 * @module Reply-suggestion evaluation: 1-of-100 ranking accuracy (Henderson et al. 2017; the conversational-datasets
 * benchmark): for each held-out (post, reply) pair, the true reply is ranked against 99 other replies drawn at random
 * from the pool of all replies (a draw equal to the true reply's text is drawn again); it counts when it scores strictly
 * highest. Models: `replies/dual-encoder` (src/compose/reply-encoder.ts, trained on the training pairs),
 * `replies/bm25` (Okapi BM25 of the post's words over the replies, k1 1.2, b 0.75, the weighting of
 * `src/models/knn/bm25-weight.ts`) and `replies/tfidf` (cosine of scikit-learn-style TF-IDF vectors, `src/text/vectorizer.ts`).
 * Pair sources: the synthetic network's reply threads and the Twitter customer-care conversations (client turn →
 * the next agent turn).
 */
import { readFileSync } from 'node:fs';
import { createError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { csrFromCoo, type Csr } from '../../math/csr.js';
import { normalizeReply, ReplyEncoder, type ReplyEncoderOptions, type ReplyPair } from '../../compose/reply-encoder.js';
import { bm25Weight } from '../../models/knn/bm25-weight.js';
import { wordRuns } from '../../text/segment.js';
import { createVectorizer } from '../../text/vectorizer.js';
import { generateNetwork } from '../../data/synthetic/index.js';

export const REPLY_MODEL_IDS = ['replies/dual-encoder', 'replies/bm25', 'replies/tfidf'] as const;
export type ReplyModelId = (typeof REPLY_MODEL_IDS)[number];

/** Scores every pool reply for test post `i` (one score per pool reply). */
export type PoolScorer = (post: string) => Float32Array;

export interface ReplyRankingResult {
  model: ReplyModelId;
  accuracy: number;
  /** Test pairs ranked. */
  n: number;
  /** CPU ms to fit (training) and per test post to score the pool. */
  fitCpuMs: number;
  scoreCpuMs: number;
}

/** 1-of-(others+1) accuracy of `scorer` on test pairs whose true replies are pool rows `truth`. */
export function oneOfN(scorer: PoolScorer, posts: readonly string[], truth: readonly number[], pool: readonly string[], others: number, seed: number): number {
  const rng = createRng(seed), keys = pool.map(normalizeReply);
  let hits = 0;
  for (let i = 0; i < posts.length; i++) {
    const s = scorer(posts[i]!), t = truth[i]!, target = s[t]!;
    let win = true;
    for (let k = 0, tries = 0; k < others && win && tries < others * 20; tries++) {
      const j = rng.int(pool.length);
      if (keys[j] === keys[t]) continue;
      k++;
      if (s[j]! >= target) win = false;
    }
    if (win) hits++;
  }
  return posts.length ? hits / posts.length : NaN;
}

/** BM25 scorer over the pool (documents = pool replies, terms = words). */
export function bm25Scorer(pool: readonly string[]): PoolScorer {
  const vocab = new Map<string, number>(), rows: number[] = [], cols: number[] = [], vals: number[] = [];
  pool.forEach((text, d) => {
    const tf = new Map<number, number>();
    for (const w of wordRuns(text)) {
      let t = vocab.get(w);
      if (t === undefined) vocab.set(w, (t = vocab.size));
      tf.set(t, (tf.get(t) ?? 0) + 1);
    }
    for (const [t, c] of tf) { rows.push(t); cols.push(d); vals.push(c); }
  });
  const w: Csr = bm25Weight(csrFromCoo(vocab.size, pool.length, rows, cols, vals), { k1: 1.2, b: 0.75 });
  return (post) => {
    const out = new Float32Array(pool.length);
    for (const word of new Set(wordRuns(post))) {
      const t = vocab.get(word);
      if (t === undefined) continue;
      for (let q = w.indptr[t]!; q < w.indptr[t + 1]!; q++) out[w.indices[q]!]! += w.data[q]!;
    }
    return out;
  };
}

/** TF-IDF cosine scorer: the vectorizer is fitted on the training texts (posts and replies). */
export function tfidfScorer(pool: readonly string[], trainTexts: readonly string[]): PoolScorer {
  const v = createVectorizer().fit(trainTexts);
  const docs = v.transform(pool);
  // Column → (doc, weight) lists, so a query touches only the docs sharing a term.
  const byCol = new Map<number, { d: number; w: number }[]>();
  for (let d = 0; d < docs.rows; d++) for (let q = docs.indptr[d]!; q < docs.indptr[d + 1]!; q++) {
    const c = docs.indices[q]!;
    (byCol.get(c) ?? byCol.set(c, []).get(c)!).push({ d, w: docs.data[q]! });
  }
  return (post) => {
    const qv = v.transform([post]), out = new Float32Array(pool.length);
    for (let q = qv.indptr[0]!; q < qv.indptr[1]!; q++) for (const e of byCol.get(qv.indices[q]!) ?? []) out[e.d]! += qv.data[q]! * e.w;
    return out;
  };
}

export function dualEncoderScorer(encoder: ReplyEncoder, pool: readonly string[]): PoolScorer {
  const R = encoder.encode('reply', pool), dim = encoder.dim;
  return (post) => {
    const q = encoder.encode('post', [post]), out = new Float32Array(pool.length);
    for (let j = 0; j < pool.length; j++) {
      let s = 0;
      for (let a = 0; a < dim; a++) s += q[a]! * R[j * dim + a]!;
      out[j] = s;
    }
    return out;
  };
}

const cpuMs = (start: NodeJS.CpuUsage): number => { const u = process.cpuUsage(start); return (u.user + u.system) / 1000; };

/**
 * Trains on `train`, ranks each `test` pair's true reply among `others` random replies of the pool (all replies of
 * train and test), for each model.
 */
export async function evaluateReplyRanking(train: readonly ReplyPair[], test: readonly ReplyPair[], options: { models?: readonly ReplyModelId[]; others?: number; seed?: number; encoder?: Partial<ReplyEncoderOptions> } = {}): Promise<ReplyRankingResult[]> {
  const models = options.models ?? REPLY_MODEL_IDS, others = options.others ?? 99, seed = options.seed ?? 42;
  const pool = [...train, ...test].map((p) => p.reply), truth = test.map((_, i) => train.length + i), posts = test.map((p) => p.post);
  const out: ReplyRankingResult[] = [];
  for (const model of models) {
    const t0 = process.cpuUsage();
    const scorer = model === 'replies/bm25' ? bm25Scorer(pool)
      : model === 'replies/tfidf' ? tfidfScorer(pool, train.flatMap((p) => [p.post, p.reply]))
        : dualEncoderScorer(await ReplyEncoder.fit(train, { seed, ...options.encoder }), pool);
    const fitCpuMs = cpuMs(t0), t1 = process.cpuUsage();
    const accuracy = oneOfN(scorer, posts, truth, pool, others, seed);
    out.push({ model, accuracy, n: test.length, fitCpuMs, scoreCpuMs: cpuMs(t1) / Math.max(1, test.length) });
  }
  return out;
}

/** Shuffles pairs (seeded) and cuts off the last `testFraction` as the test pairs. */
export function splitPairs(pairs: readonly ReplyPair[], testFraction: number, seed: number): { train: ReplyPair[]; test: ReplyPair[] } {
  const order = createRng(seed ^ 0x5eed).shuffle(pairs.map((_, i) => i));
  const cut = Math.round(pairs.length * (1 - testFraction));
  return { train: order.slice(0, cut).map((i) => pairs[i]!), test: order.slice(cut).map((i) => pairs[i]!) };
}

/** (post, reply) pairs of a synthetic network generated with replies. */
export function syntheticReplyPairs(config: { users?: number; seed?: number; replyRate?: number } = {}): ReplyPair[] {
  const net = generateNetwork({ users: config.users ?? 2000, seed: config.seed ?? 42, replyRate: config.replyRate ?? 0.3 });
  const text = new Map<string, string>(), pairs: ReplyPair[] = [];
  for (const b of net.batches()) {
    if (b.follows || b.events) break;
    for (const p of b.posts ?? []) {
      if (p.reply_to === undefined || p.reply_to === null) text.set(p.id, p.text ?? '');
      else pairs.push({ post: text.get(p.reply_to) ?? '', reply: p.text ?? '', replyAuthor: p.author });
    }
  }
  return pairs;
}

/**
 * The pairs a `--data` spec names: `synthetic` or `synthetic:<users>` (the synthetic network with `replyRate` 0.3,
 * seed 42), or `customer-care:<path to dev.json>`.
 */
export function replyPairsFromSpec(spec: string): ReplyPair[] {
  const at = spec.indexOf(':'), kind = at < 0 ? spec : spec.slice(0, at), rest = at < 0 ? '' : spec.slice(at + 1);
  if (kind === 'synthetic') {
    const users = rest === '' ? 2000 : Number(rest);
    if (!(Number.isInteger(users) && users >= 2)) throw createError('INVALID_INPUT', { field: '--data', problem: `synthetic:<users> needs a whole number of users ≥ 2, got "${rest}"` });
    return syntheticReplyPairs({ users });
  }
  if (kind === 'customer-care' && rest !== '') return customerCarePairs(rest.endsWith('.json') ? rest : `${rest.replace(/\/$/, '')}/dev.json`);
  throw createError('UNKNOWN_OPTION', { kind: 'reply data', name: spec, expected: 'synthetic[:users], customer-care:<folder or dev.json>' });
}

interface CareTurn { client?: string; agent?: string; message?: string; url_utterance?: string }
interface CareConversation { dialogContent?: CareTurn[]; agentURL?: CareTurn }

/** Client turn → the next agent turn (the final `agentURL` turn included), from the customer-care `dev.json`. */
export function customerCarePairs(path: string): ReplyPair[] {
  let conversations: CareConversation[];
  try {
    conversations = JSON.parse(readFileSync(path, 'utf8')) as CareConversation[];
  } catch (e) {
    throw createError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'INVALID_INPUT', { path, field: path, problem: (e as Error).message });
  }
  const pairs: ReplyPair[] = [];
  for (const c of conversations) {
    const turns = [...(c.dialogContent ?? []), ...(c.agentURL ? [{ ...c.agentURL, agent: c.agentURL.agent ?? 'agent', message: c.agentURL.url_utterance ?? c.agentURL.message }] : [])];
    for (let i = 0; i + 1 < turns.length; i++) {
      const a = turns[i]!, b = turns[i + 1]!;
      if (a.client !== undefined && b.agent !== undefined && a.message && b.message) pairs.push({ post: a.message, reply: b.message, replyAuthor: b.agent });
    }
  }
  return pairs;
}
