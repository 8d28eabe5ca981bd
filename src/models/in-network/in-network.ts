/**
 * @module In-network candidates: recent posts of the accounts a user follows, ranked by recency and by how much
 * the user engages with each author.
 *
 * score(u, i) = 2^(−age_i / halfLife) · (1 + affinity(u, author_i)) for posts younger than `maxAgeHours` by
 * followed authors, where age_i = now − created_i (now = dataset.now) and
 * affinity(u, a) = Σ_{j ∈ history(u), author_j = a} x_uj / Σ_{j ∈ history(u)} x_uj, the user's share of
 * engagement that went to author a (0..1, so a favourite author at most doubles a post's score).
 *
 * The model only knows the posts of its training snapshot. At serving time the feed (`src/feed/`) also pulls
 * fresh posts of followees from the Store (`postsByAuthors`) and scores them with `inNetworkScore`, so posts
 * written after the last fit still reach followers. The user's own posts are not candidates (nobody follows
 * themselves); posts without a creation time are skipped.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import type { Removal } from '../../data/dataset-without.js';
import { csrFromCoo, type Csr } from '../../math/csr.js';
import { BaseRecommender } from '../base-recommender.js';
import { checkCsrIndices, csrFromTensors, csrTensors, parseParams, stateInt, tensor } from '../shared/model-io.js';
import type { Artifact, FitOptions } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';

export const IN_NETWORK_ID = 'in-network';
const VERSION = 1;
const HOUR_MS = 3_600_000;

export const inNetworkParamsSchema = z.strictObject({
  /** Hours after which a post's recency counts half (24 h, as the feed's freshness half-life). */
  halfLifeHours: z.number().positive().default(24),
  /** Older posts are not in-network candidates (a week: past that a followee's post is no longer news). */
  maxAgeHours: z.number().positive().default(168),
});
export type InNetworkParams = z.output<typeof inNetworkParamsSchema>;

/** The in-network score of one post (see the module formula); ages below 0 (clock skew) count as 0. */
export function inNetworkScore(ageMs: number, halfLifeHours: number, affinity: number): number {
  return Math.pow(2, -Math.max(0, ageMs) / (halfLifeHours * HOUR_MS)) * (1 + affinity);
}

export class InNetworkRecommender extends BaseRecommender {
  readonly id = IN_NETWORK_ID;
  readonly params: Readonly<InNetworkParams>;
  private follows: Csr | undefined;
  private itemAuthors: Int32Array | undefined;
  private itemCreatedAt: Float64Array | undefined;
  /** authors × items, built from itemAuthors. */
  private authorItems: Csr | undefined;
  private now = 0;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(IN_NETWORK_ID, inNetworkParamsSchema, params);
  }

  fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    throwIfAborted(options.signal, this.id);
    this.follows = data.follows;
    this.itemAuthors = data.itemAuthors;
    this.itemCreatedAt = data.itemCreatedAt;
    this.now = data.now;
    this.added.clear();
    this.setSeen(data);
    this.authorItems = buildAuthorItems(data.itemAuthors, data.follows.rows);
    options.progress?.(1, 1, this.id);
    return Promise.resolve();
  }

  /** affinity(u, a) for every author a the user engaged with. */
  authorAffinity(user: number): Map<number, number> {
    this.requireFitted();
    const { items, weights } = this.historyOf(user);
    const out = new Map<number, number>();
    let total = 0;
    for (let k = 0; k < items.length; k++) {
      total += weights[k]!;
      const a = this.itemAuthors![items[k]!]!;
      if (a >= 0) out.set(a, (out.get(a) ?? 0) + weights[k]!);
    }
    if (total > 0) for (const [a, w] of out) out.set(a, w / total);
    return out;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    out.fill(-Infinity);
    const f = this.follows!, byAuthor = this.authorItems!;
    if (user >= f.rows) return;
    const affinity = this.authorAffinity(user);
    const maxAge = this.params.maxAgeHours * HOUR_MS;
    for (let q = f.indptr[user]!; q < f.indptr[user + 1]!; q++) {
      const author = f.indices[q]!;
      if (author >= byAuthor.rows) continue;
      const aff = affinity.get(author) ?? 0;
      for (let k = byAuthor.indptr[author]!; k < byAuthor.indptr[author + 1]!; k++) {
        const i = byAuthor.indices[k]!;
        const age = this.now - this.itemCreatedAt![i]!;
        if (!(age <= maxAge)) continue; // too old, or no creation time (NaN)
        out[i] = inNetworkScore(age, this.params.halfLifeHours, aff);
      }
    }
  }

  /** Unlearning: the follow graph and the posts' authors of `data`, the removed posts out of the authors' lists; others' online additions kept. */
  forget(data: Dataset, removed: Removal): void {
    this.requireFitted();
    this.follows = data.follows;
    this.itemAuthors = data.itemAuthors;
    this.itemCreatedAt = data.itemCreatedAt;
    this.now = data.now;
    this.authorItems = withoutColumns(this.authorItems!, removed.items);
    this.forgetHistory(data, removed);
  }

  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, {
      ...csrTensors('follows', this.follows!),
      itemAuthors: { data: this.itemAuthors!, shape: [this.nItems] },
      itemCreatedAt: { data: this.itemCreatedAt!, shape: [this.nItems] },
    }, { graphUsers: this.follows!.rows, now: this.now });
  }

  static load(a: Artifact): InNetworkRecommender {
    const where = `${a.kind} artifact`;
    const m = new InNetworkRecommender(a.params);
    const { nItems, seen } = m.restoreSeen(a, where);
    const graphUsers = stateInt(a.state, 'graphUsers', where);
    const now = a.state.now;
    if (typeof now !== 'number' || !Number.isFinite(now)) throw createError('ARTIFACT_INVALID', { path: where, problem: 'state.now should be epoch milliseconds' });
    const authors = tensor(a.tensors, 'itemAuthors', where).data;
    const created = tensor(a.tensors, 'itemCreatedAt', where).data;
    if (!(authors instanceof Int32Array) || authors.length !== nItems) throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor itemAuthors should be I32 with ${nItems} values` });
    if (!(created instanceof Float64Array) || created.length !== nItems) throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor itemCreatedAt should be F64 with ${nItems} values` });
    for (let i = 0; i < nItems; i++) {
      if (authors[i]! < -1 || authors[i]! >= graphUsers) throw createError('ARTIFACT_INVALID', { path: where, problem: `itemAuthors[${i}] = ${authors[i]} is not a user index` });
    }
    m.follows = csrFromTensors(a.tensors, 'follows', graphUsers, graphUsers, where);
    checkCsrIndices(m.follows, where, 'follows');
    checkCsrIndices(seen, where, 'seen');
    m.itemAuthors = authors;
    m.itemCreatedAt = created;
    m.now = now;
    m.authorItems = buildAuthorItems(authors, graphUsers);
    return m;
  }
}

/** `m` without the entries of the given columns; `m` itself when it has none of them. */
function withoutColumns(m: Csr, columns: readonly number[]): Csr {
  if (columns.length === 0) return m;
  const gone = new Uint8Array(m.cols);
  for (const c of columns) if (c >= 0 && c < m.cols) gone[c] = 1;
  // Positions of the gone entries (one read per entry), then the kept runs between them copied whole.
  const at: number[] = [];
  for (let k = 0; k < m.indices.length; k++) if (gone[m.indices[k]!]) at.push(k);
  if (at.length === 0) return m;
  const nz = m.indices.length - at.length;
  const indptr = new Int32Array(m.rows + 1), indices = new Int32Array(nz), data = new Float32Array(nz);
  let q = 0;
  for (let r = 0; r < m.rows; r++) {
    const end = m.indptr[r + 1]!;
    while (q < at.length && at[q]! < end) q++;
    indptr[r + 1] = end - q;
  }
  let from = 0, to = 0;
  for (let g = 0; g <= at.length; g++) {
    const stop = g < at.length ? at[g]! : m.indices.length;
    indices.set(m.indices.subarray(from, stop), to);
    data.set(m.data.subarray(from, stop), to);
    to += stop - from;
    from = stop + 1;
  }
  return { rows: m.rows, cols: m.cols, indptr, indices, data };
}

function buildAuthorItems(itemAuthors: Int32Array, nAuthors: number): Csr {
  const rows: number[] = [], cols: number[] = [];
  for (let i = 0; i < itemAuthors.length; i++) {
    if (itemAuthors[i]! >= 0) {
      rows.push(itemAuthors[i]!);
      cols.push(i);
    }
  }
  return csrFromCoo(nAuthors, itemAuthors.length, rows, cols);
}

export const inNetworkFactory: ModelFactory = defineModel({
  id: IN_NETWORK_ID,
  version: VERSION,
  description: 'In-network: recent posts of followed accounts, by recency × author affinity',
  params: inNetworkParamsSchema,
  create: (params) => new InNetworkRecommender(params),
  restore: (artifact) => InNetworkRecommender.load(artifact),
});
