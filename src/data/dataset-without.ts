/**
 * @module A snapshot minus erased users and items, in the same dense index space, so models fitted on the original
 * can unlearn them (`Recommender.forget`) without renumbering anything.
 *
 * Removed: every interaction, negative and logged event of the users, every interaction, negative and event on the
 * items, the users' follows both ways, and what the snapshot knew of the items (text, tags, author, creation time).
 * The external ids of both become tombstones (`\u0000erased-user:<index>`, `\u0000erased-post:<index>`), renamed in
 * place in the snapshot's id maps (shared with the result: the snapshot being replaced stops resolving them too):
 * ids cannot hold control characters, so no lookup finds them, and a saved snapshot keeps no trace of them. Kept
 * entries keep their values bit for bit (a weight is the sum of the same events, in the same order), so the
 * result equals the snapshot a build without those events gives over the same ids. `now` is kept: the snapshot's
 * clock does not move when its latest event is erased.
 */
import type { IdMap } from '../core/id-map.js';
import type { Csr } from '../math/csr.js';
import type { Dataset, InteractionLog } from './dataset.js';

export interface Removal {
  readonly users: readonly number[];
  readonly items: readonly number[];
}

const USER_TOMBSTONE = '\u0000erased-user:';
const ITEM_TOMBSTONE = '\u0000erased-post:';

export function datasetWithout(data: Dataset, removal: Removal): Dataset {
  const goneUser = flags(data.users.size, removal.users);
  const goneItem = flags(data.items.size, removal.items);
  const keep = (u: number, i: number): boolean => !goneUser[u] && !goneItem[i];
  const { csr: interactions, kept } = filterEntries(data.interactions, keep);
  const interactionTimes = new Float64Array(kept.length);
  for (let k = 0; k < kept.length; k++) interactionTimes[k] = data.interactionTimes[kept[k]!]!;
  const itemAuthors = data.itemAuthors.slice();
  const itemCreatedAt = data.itemCreatedAt.slice();
  const itemTexts = data.itemTexts.slice();
  const itemTags = data.itemTags.slice();
  const itemLangs = data.itemLangs?.slice();
  const itemVectors = Object.fromEntries(Object.entries(data.itemVectors ?? {}).map(([name, v]) => [name, { dim: v.dim, values: v.values.slice(), present: v.present.slice() }]));
  const itemSignals = data.itemSignals ? { sentiment: data.itemSignals.sentiment.slice(), offensive: data.itemSignals.offensive.slice() } : undefined;
  for (const i of removal.items) {
    if (itemSignals) itemSignals.sentiment[i] = itemSignals.offensive[i] = NaN;
    itemAuthors[i] = -1;
    itemCreatedAt[i] = NaN;
    itemTexts[i] = '';
    itemTags[i] = [];
    if (itemLangs) itemLangs[i] = null;
    for (const v of Object.values(itemVectors)) {
      v.values.fill(0, i * v.dim, (i + 1) * v.dim);
      v.present[i] = 0;
    }
  }
  return {
    users: tombstoned(data.users, removal.users, USER_TOMBSTONE),
    items: tombstoned(data.items, removal.items, ITEM_TOMBSTONE),
    interactions,
    interactionTimes,
    negatives: filterEntries(data.negatives, keep).csr,
    log: filterLog(data.log, keep),
    follows: filterEntries(data.follows, (a, b) => !goneUser[a] && !goneUser[b]).csr,
    itemTexts,
    itemTags,
    itemAuthors,
    itemCreatedAt,
    ...(itemLangs ? { itemLangs } : {}),
    itemVectors,
    ...(itemSignals ? { itemSignals } : {}),
    now: data.now,
  };
}

/** Whether an external id is one `datasetWithout` wrote in place of an erased user or post. */
export function isTombstone(id: string): boolean {
  return id.startsWith(USER_TOMBSTONE) || id.startsWith(ITEM_TOMBSTONE);
}

function flags(n: number, indices: readonly number[]): Uint8Array {
  const out = new Uint8Array(n);
  for (const i of indices) if (i >= 0 && i < n) out[i] = 1;
  return out;
}

/** The map with the gone indices renamed to tombstones, in place (the snapshot being replaced stops resolving them too). */
function tombstoned(ids: IdMap, gone: readonly number[], prefix: string): IdMap {
  for (const k of gone) if (k >= 0 && k < ids.size && !isTombstone(ids.id(k))) ids.rename(k, `${prefix}${k}`);
  return ids;
}

/** The entries of `m` with keep(row, col), and the position in `m` of each kept entry. */
function filterEntries(m: Csr, keep: (row: number, col: number) => boolean): { csr: Csr; kept: Int32Array } {
  const indptr = new Int32Array(m.rows + 1);
  const kept = new Int32Array(m.indices.length);
  let nz = 0;
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) if (keep(r, m.indices[k]!)) kept[nz++] = k;
    indptr[r + 1] = nz;
  }
  const at = kept.slice(0, nz);
  const indices = new Int32Array(nz), data = new Float32Array(nz);
  for (let q = 0; q < nz; q++) {
    indices[q] = m.indices[at[q]!]!;
    data[q] = m.data[at[q]!]!;
  }
  return { csr: { rows: m.rows, cols: m.cols, indptr, indices, data }, kept: at };
}

function filterLog(log: InteractionLog, keep: (user: number, item: number) => boolean): InteractionLog {
  const all = new Int32Array(log.user.length);
  let n = 0;
  for (let e = 0; e < log.user.length; e++) if (keep(log.user[e]!, log.item[e]!)) all[n++] = e;
  const out = { user: new Int32Array(n), item: new Int32Array(n), type: new Uint8Array(n), weight: new Float32Array(n), time: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const e = all[k]!;
    out.user[k] = log.user[e]!;
    out.item[k] = log.item[e]!;
    out.type[k] = log.type[e]!;
    out.weight[k] = log.weight[e]!;
    out.time[k] = log.time[e]!;
  }
  return out;
}
