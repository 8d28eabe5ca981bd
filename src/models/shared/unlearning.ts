/**
 * @module What neighbourhood models share to unlearn a removal (`Recommender.forget`): which rows of a
 * similarity matrix a removal can change, and splicing recomputed rows into it.
 *
 * A row r of a top-k similarity over entities × features (items over users for item-kNN and RP3beta, users over
 * items for user-kNN) is a function of r's own vector, the vectors of the entities sharing a feature with r, and
 * their norms or degrees. A removal changes the vectors of some entities (`changed`); a row outside
 * changed ∪ {entities sharing a feature with a changed one} keeps every input, so it is bit for bit what a fit
 * without the removed data computes, and only the rows inside are recomputed (top-k cuts mean a changed value can
 * let an entity in or out of a row, so such a row is recomputed whole rather than patched).
 */
import type { Csr } from '../../math/csr.js';
import type { Removal } from '../../data/dataset-without.js';

/** Items that lose at least one interaction in `removed` (users × items `x` before the removal), ascending. */
export function itemsTouched(x: Csr, removed: Removal): Int32Array {
  const mark = new Uint8Array(x.cols);
  for (const u of removed.users) if (u < x.rows) for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) mark[x.indices[k]!] = 1;
  for (const i of removed.items) if (i < x.cols) mark[i] = 1;
  return indicesOf(mark);
}

/** Users who lose at least one interaction in `removed` (`xT`: items × users before the removal), ascending. */
export function usersTouched(xT: Csr, removed: Removal): Int32Array {
  const mark = new Uint8Array(xT.cols);
  for (const u of removed.users) if (u < xT.cols) mark[u] = 1;
  for (const i of removed.items) if (i < xT.rows) for (let k = xT.indptr[i]!; k < xT.indptr[i + 1]!; k++) mark[xT.indices[k]!] = 1;
  return indicesOf(mark);
}

/**
 * Rows of `a` (entities × features, before the removal; `aT` its transpose) a change of the `changed` entities can
 * alter: the changed ones and every entity sharing a feature with one of them. Ascending.
 */
export function rowsToRecompute(a: Csr, aT: Csr, changed: ArrayLike<number>): Int32Array {
  const mark = new Uint8Array(a.rows);
  const featureSeen = new Uint8Array(a.cols);
  for (let c = 0; c < changed.length; c++) {
    const e = changed[c]!;
    mark[e] = 1;
    for (let k = a.indptr[e]!; k < a.indptr[e + 1]!; k++) {
      const f = a.indices[k]!;
      if (featureSeen[f]) continue;
      featureSeen[f] = 1;
      for (let q = aT.indptr[f]!; q < aT.indptr[f + 1]!; q++) mark[aT.indices[q]!] = 1;
    }
  }
  return indicesOf(mark);
}

/** `m` with the listed rows (ascending) replaced by `row(r)`; other rows are copied as they are. */
export function replaceRows(m: Csr, rows: ArrayLike<number>, row: (r: number) => { indices: Int32Array; data: Float32Array }): Csr {
  const fresh: ({ indices: Int32Array; data: Float32Array } | undefined)[] = new Array(m.rows);
  for (let k = 0; k < rows.length; k++) fresh[rows[k]!] = row(rows[k]!);
  return withRows(m, fresh);
}

/** `m` with the rows given in `fresh` (by row index) replaced; runs of unchanged rows are copied in one piece. */
function withRows(m: Csr, fresh: readonly ({ indices: Int32Array; data: Float32Array } | undefined)[]): Csr {
  const indptr = new Int32Array(m.rows + 1);
  for (let r = 0; r < m.rows; r++) indptr[r + 1] = indptr[r]! + (fresh[r]?.indices.length ?? m.indptr[r + 1]! - m.indptr[r]!);
  const indices = new Int32Array(indptr[m.rows]!), data = new Float32Array(indptr[m.rows]!);
  let r = 0;
  while (r < m.rows) {
    const f = fresh[r];
    if (f) {
      indices.set(f.indices, indptr[r]!);
      data.set(f.data, indptr[r]!);
      r++;
      continue;
    }
    const start = r;
    while (r < m.rows && !fresh[r]) r++;
    indices.set(m.indices.subarray(m.indptr[start]!, m.indptr[r]!), indptr[start]!);
    data.set(m.data.subarray(m.indptr[start]!, m.indptr[r]!), indptr[start]!);
  }
  return { rows: m.rows, cols: m.cols, indptr, indices, data };
}

/** Whether ascending `a` holds `v`. */
function sortedHas(a: Int32Array, v: number): boolean {
  let lo = 0, hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] === v) return true;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function indicesOf(mark: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < mark.length; i++) n += mark[i]!;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < mark.length; i++) if (mark[i]) out[k++] = i;
  return out;
}

/** One entry of a row computed exactly as the fit does (`value`), and its place among ties (`key`: lower first). */
export type ExactEntry = (column: number) => { value: number; key: number };

/** New values of some entries: row → (column → value as the fit computes it, in float64, before the float32 cast). */
export type EntryUpdates = Map<number, Map<number, number>>;

/** Float32 rounding of the stored values, with room: closer values than this at a top-k cut are treated as tied. */
const CUT_MARGIN = 1e-6;

/**
 * Row of a top-`k` similarity after a removal changed only the entries of the `changed` columns (new values in
 * `updates`; a changed column without one is gone) while every other candidate keeps its value. When no kept entry
 * lost value, every candidate left out before is still beaten by all of them, so the new row is the top k of the old
 * kept entries and the updated ones. Undefined (recompute the row) when the old row was full and a kept entry lost
 * value, or when the new cut falls between values closer than float32 rounding of the stored ones (a tie, whose
 * order the fit decided by a rule this row no longer knows).
 */
export function patchTopK(oldIdx: Int32Array, oldVal: Float32Array, updates: ReadonlyMap<number, number>, changed: Uint8Array, k: number, exact?: ExactEntry): { indices: Int32Array; data: Float32Array } | undefined {
  const full = oldIdx.length >= k;
  // The kept entries with their new values (a changed column without an update is gone).
  const kept = new Float64Array(oldIdx.length);
  let keptMin = Infinity, gone = 0, touched = false;
  for (let q = 0; q < oldIdx.length; q++) {
    const c = oldIdx[q]!, old = oldVal[q]!;
    let v: number = old;
    if (changed[c]) {
      touched = true;
      v = updates.get(c) ?? 0;
      if (full && !(v >= old * (1 - CUT_MARGIN))) return undefined;
    }
    kept[q] = v;
    if (v > 0) keptMin = Math.min(keptMin, v);
    else gone++;
  }
  // Updated columns outside the row that could enter it.
  const outside: number[] = [];
  for (const [c, v] of updates) if (v > 0 && !sortedHas(oldIdx, c) && !(full && v < keptMin * (1 - CUT_MARGIN))) outside.push(c);
  if (outside.length === 0) {
    if (!touched) return { indices: oldIdx, data: oldVal };
    const indices = new Int32Array(oldIdx.length - gone), data = new Float32Array(oldIdx.length - gone);
    for (let q = 0, w = 0; q < oldIdx.length; q++) if (kept[q]! > 0) { indices[w] = oldIdx[q]!; data[w++] = kept[q]!; }
    return { indices, data };
  }
  const cols: number[] = [], vals: number[] = [];
  for (let q = 0; q < oldIdx.length; q++) if (kept[q]! > 0) { cols.push(oldIdx[q]!); vals.push(kept[q]!); }
  for (const c of outside) { cols.push(c); vals.push(updates.get(c)!); }
  let keep = Array.from(cols, (_, q) => q);
  if (keep.length > k) {
    keep.sort((a, b) => vals[b]! - vals[a]!);
    const cutValue = vals[keep[k - 1]!]!;
    if (cutValue > vals[keep[k]!]! * (1 + CUT_MARGIN)) {
      keep = keep.slice(0, k);
    } else {
      // A near-tie at the cut: the entries near it are computed exactly and ordered as the fit orders them.
      if (!exact) return undefined;
      const hi = cutValue * (1 + CUT_MARGIN), lo = cutValue * (1 - CUT_MARGIN);
      const sure = keep.filter((q) => vals[q]! > hi);
      const near = keep.filter((q) => vals[q]! >= lo && vals[q]! <= hi).map((q) => ({ q, ...exact(cols[q]!) }));
      near.sort((a, b) => b.value - a.value || a.key - b.key);
      for (const e of near) vals[e.q] = e.value;
      keep = [...sure, ...near.slice(0, k - sure.length).map((e) => e.q)];
    }
  }
  keep.sort((a, b) => cols[a]! - cols[b]!);
  return { indices: Int32Array.from(keep, (q) => cols[q]!), data: Float32Array.from(keep, (q) => vals[q]!) };
}

/** One row of a sparse matrix: its column indices (ascending) and values. */
export interface SparseRow {
  readonly indices: Int32Array;
  readonly data: Float32Array;
}

/**
 * `m` after a removal that changed the entries of the `changed` columns: the rows in `recompute` computed again by
 * `row`; the rows in `patch` (those that reached a changed column before or after) patched with their `updates`
 * (`patchTopK`, near-ties at the cut settled by `exact`), or computed again when that is ambiguous; the rest kept.
 */
export function updateTopKRows(m: Csr, recompute: ArrayLike<number>, patch: ArrayLike<number>, updates: EntryUpdates, changed: Uint8Array, k: number, row: (r: number) => SparseRow, exact?: (r: number) => ExactEntry): Csr {
  const rowOf = (r: number): SparseRow => ({ indices: m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!), data: m.data.subarray(m.indptr[r]!, m.indptr[r + 1]!) });
  const changedRows = topKRowUpdates(rowOf, recompute, patch, updates, changed, k, row, exact);
  const fresh: (SparseRow | undefined)[] = new Array(m.rows);
  for (const [r, f] of changedRows) fresh[r] = f;
  return withRows(m, fresh);
}

/**
 * The rows `updateTopKRows` changes, without building the matrix: row → new entries, for a caller that keeps
 * replaced rows beside its matrix. `rowOf(r)` is the current row r.
 */
export function topKRowUpdates(rowOf: (r: number) => SparseRow, recompute: ArrayLike<number>, patch: ArrayLike<number>, updates: EntryUpdates, changed: Uint8Array, k: number, row: (r: number) => SparseRow, exact?: (r: number) => ExactEntry): Map<number, SparseRow> {
  const out = new Map<number, SparseRow>();
  const whole = new Set<number>();
  for (let q = 0; q < recompute.length; q++) whole.add(recompute[q]!);
  const none = new Map<number, number>();
  for (let q = 0; q < patch.length; q++) {
    const r = patch[q]!;
    if (whole.has(r)) continue;
    const old = rowOf(r);
    const patched = patchTopK(old.indices, old.data, updates.get(r) ?? none, changed, k, exact?.(r));
    if (!patched) whole.add(r);
    else if (patched.indices !== old.indices) out.set(r, patched);
  }
  // Ascending, as the whole-matrix pass computed them (a row's arithmetic does not depend on the order).
  for (const r of Int32Array.from(whole).sort()) out.set(r, row(r));
  return out;
}

/** Adds `value` for (row, column) to `updates`. */
export function addUpdate(updates: EntryUpdates, row: number, column: number, value: number): void {
  let u = updates.get(row);
  if (!u) updates.set(row, (u = new Map()));
  u.set(column, value);
}
