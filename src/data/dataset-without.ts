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
 *
 * Cost: the removed entries are found by reading the column indices once (the gone rows are whole ranges), and the
 * kept ones are copied in runs between them; arrays the removal does not touch are shared with the snapshot
 * (nothing writes to a built snapshot), so erasing a user with no posts copies no item array.
 */
import type { IdMap } from '../core/id-map.js';
import type { Csr } from '../math/csr.js';
import type { Dataset, InteractionLog, ItemVectors } from './dataset.js';

export interface Removal {
  readonly users: readonly number[];
  readonly items: readonly number[];
}

const USER_TOMBSTONE = '\u0000erased-user:';
const ITEM_TOMBSTONE = '\u0000erased-post:';

export function datasetWithout(data: Dataset, removal: Removal): Dataset {
  const goneUser = flags(data.users.size, removal.users);
  const goneItem = flags(data.items.size, removal.items);
  const anyItem = removal.items.some((i) => i >= 0 && i < data.items.size);
  const dropped = droppedEntries(data.interactions, removal.users, anyItem ? goneItem : undefined);
  const interactions = withoutEntries(data.interactions, dropped);
  return {
    users: tombstoned(data.users, removal.users, USER_TOMBSTONE),
    items: tombstoned(data.items, removal.items, ITEM_TOMBSTONE),
    interactions,
    interactionTimes: withoutPositions(data.interactionTimes, dropped),
    negatives: withoutEntries(data.negatives, droppedEntries(data.negatives, removal.users, anyItem ? goneItem : undefined)),
    log: filterLog(data.log, goneUser, goneItem, anyItem),
    follows: withoutEntries(data.follows, droppedEntries(data.follows, removal.users, goneUser)),
    ...itemsWithout(data, removal.items.filter((i) => i >= 0 && i < data.items.size)),
    now: data.now,
  };
}

/**
 * What the snapshot knew of the items, with the removed ones blanked. Arrays the removal does not touch are
 * shared with `data`, never written: a snapshot is immutable once built.
 */
function itemsWithout(data: Dataset, items: readonly number[]): Pick<Dataset, 'itemTexts' | 'itemTags' | 'itemAuthors' | 'itemCreatedAt' | 'itemLangs' | 'itemVectors' | 'itemSignals'> {
  const itemVectors = data.itemVectors ?? {};
  if (items.length === 0) {
    return { itemTexts: data.itemTexts, itemTags: data.itemTags, itemAuthors: data.itemAuthors, itemCreatedAt: data.itemCreatedAt, ...(data.itemLangs ? { itemLangs: data.itemLangs } : {}), itemVectors, ...(data.itemSignals ? { itemSignals: data.itemSignals } : {}) };
  }
  const itemAuthors = data.itemAuthors.slice();
  const itemCreatedAt = data.itemCreatedAt.slice();
  const itemTexts = data.itemTexts.slice();
  const itemTags = data.itemTags.slice();
  const itemLangs = data.itemLangs?.slice();
  const itemSignals = data.itemSignals ? { sentiment: data.itemSignals.sentiment.slice(), offensive: data.itemSignals.offensive.slice() } : undefined;
  for (const i of items) {
    itemAuthors[i] = -1;
    itemCreatedAt[i] = NaN;
    itemTexts[i] = '';
    itemTags[i] = [];
    if (itemLangs) itemLangs[i] = null;
    if (itemSignals) itemSignals.sentiment[i] = itemSignals.offensive[i] = NaN;
  }
  return {
    itemTexts, itemTags, itemAuthors, itemCreatedAt, ...(itemLangs ? { itemLangs } : {}), ...(itemSignals ? { itemSignals } : {}),
    itemVectors: Object.fromEntries(Object.entries(itemVectors).map(([name, v]) => [name, vectorsWithout(v, items)])),
  };
}

/** `v` with the items' vectors zeroed and marked absent; `v` itself when they already are. */
function vectorsWithout(v: ItemVectors, items: readonly number[]): ItemVectors {
  const blank = items.every((i) => v.present[i] === 0 && v.values.subarray(i * v.dim, (i + 1) * v.dim).every((x) => x === 0 && !Object.is(x, -0)));
  if (blank) return v;
  const values = v.values.slice(), present = v.present.slice();
  for (const i of items) {
    values.fill(0, i * v.dim, (i + 1) * v.dim);
    present[i] = 0;
  }
  return { dim: v.dim, values, present };
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

/**
 * Positions (ascending) of the entries of `m` in a gone row or, with `goneCol`, a gone column. The gone rows are
 * whole ranges; only the column test looks at every entry, and that is one typed-array read each.
 */
function droppedEntries(m: Csr, goneRows: readonly number[], goneCol: Uint8Array | undefined): Int32Array {
  const out: number[] = [];
  if (goneCol) for (let k = 0; k < m.indices.length; k++) if (goneCol[m.indices[k]!]) out.push(k);
  for (const r of goneRows) if (r >= 0 && r < m.rows) for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) out.push(k);
  const sorted = Int32Array.from(out).sort();
  let n = 0;
  for (let q = 0; q < sorted.length; q++) if (q === 0 || sorted[q] !== sorted[q - 1]) sorted[n++] = sorted[q]!;
  return sorted.subarray(0, n);
}

type Column = Int32Array | Float32Array | Float64Array | Uint8Array;

/** `a` without the elements at the `dropped` positions (ascending); `a` itself when there are none. */
function withoutPositions<T extends Column>(a: T, dropped: Int32Array): T {
  if (dropped.length === 0) return a;
  const out = new (a.constructor as new (n: number) => T)(a.length - dropped.length);
  let from = 0, to = 0;
  for (let q = 0; q <= dropped.length; q++) {
    const stop = q < dropped.length ? dropped[q]! : a.length;
    out.set(a.subarray(from, stop), to);
    to += stop - from;
    from = stop + 1;
  }
  return out;
}

/** `m` without the entries at the `dropped` positions (ascending); `m` itself when there are none. */
function withoutEntries(m: Csr, dropped: Int32Array): Csr {
  if (dropped.length === 0) return m;
  const indptr = new Int32Array(m.rows + 1);
  let q = 0;
  for (let r = 0; r < m.rows; r++) {
    const end = m.indptr[r + 1]!;
    while (q < dropped.length && dropped[q]! < end) q++;
    indptr[r + 1] = end - q;
  }
  return { rows: m.rows, cols: m.cols, indptr, indices: withoutPositions(m.indices, dropped), data: withoutPositions(m.data, dropped) };
}

/** The log without the events of gone users or on gone items (`anyItem`: whether any item is gone). */
function filterLog(log: InteractionLog, goneUser: Uint8Array, goneItem: Uint8Array, anyItem: boolean): InteractionLog {
  const out: number[] = [];
  for (let e = 0; e < log.user.length; e++) if (goneUser[log.user[e]!] || (anyItem && goneItem[log.item[e]!])) out.push(e);
  const dropped = Int32Array.from(out);
  if (dropped.length === 0) return log;
  return {
    user: withoutPositions(log.user, dropped),
    item: withoutPositions(log.item, dropped),
    type: withoutPositions(log.type, dropped),
    weight: withoutPositions(log.weight, dropped),
    time: withoutPositions(log.time, dropped),
  };
}
