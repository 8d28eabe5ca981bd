/**
 * @module Users' item sequences for sequential recommenders, built from the Dataset's time-ordered `log`.
 *
 * Each user's positive events in time order; an item repeated right after itself (a double like, a re-read) is
 * kept once, as SASRec's preprocessing keeps one row per (user, item, time). Stored CSR-like: `items` of user u
 * are `items[indptr[u] .. indptr[u + 1])`, oldest first.
 */
import type { Dataset } from '../../data/dataset.js';

export interface Sequences {
  readonly indptr: Int32Array;
  readonly items: Int32Array;
}

export function userSequences(data: Pick<Dataset, 'log' | 'users'>): Sequences {
  const nUsers = data.users.size, log = data.log, n = log.user.length;
  const last = new Int32Array(nUsers).fill(-1);
  const counts = new Int32Array(nUsers);
  const keep = new Uint8Array(n);
  for (let e = 0; e < n; e++) {
    const u = log.user[e]!, i = log.item[e]!;
    if (last[u] === i) continue;
    last[u] = i;
    keep[e] = 1;
    counts[u]!++;
  }
  const indptr = new Int32Array(nUsers + 1);
  for (let u = 0; u < nUsers; u++) indptr[u + 1] = indptr[u]! + counts[u]!;
  const items = new Int32Array(indptr[nUsers]!);
  const fill = indptr.slice(0, nUsers);
  for (let e = 0; e < n; e++) if (keep[e]) items[fill[log.user[e]!]!++] = log.item[e]!;
  return { indptr, items };
}

/** The sequence of user u (a view). */
export function sequenceOf(s: Sequences, u: number): Int32Array {
  return u + 1 < s.indptr.length ? s.items.subarray(s.indptr[u]!, s.indptr[u + 1]!) : new Int32Array(0);
}

/**
 * SASRec's `data_partition` for validation: users with at least `minLength` items (3) give their last item to
 * validation; training sequences are the rest. Returns the training sequences and the validation item per
 * user (−1 when none).
 */
export function holdOutLast(s: Sequences, minLength = 3): { train: Sequences; valid: Int32Array } {
  const nUsers = s.indptr.length - 1;
  const valid = new Int32Array(nUsers).fill(-1);
  const indptr = new Int32Array(nUsers + 1);
  for (let u = 0; u < nUsers; u++) {
    const len = s.indptr[u + 1]! - s.indptr[u]!;
    const cut = len >= minLength ? 1 : 0;
    if (cut) valid[u] = s.items[s.indptr[u + 1]! - 1]!;
    indptr[u + 1] = indptr[u]! + len - cut;
  }
  const items = new Int32Array(indptr[nUsers]!);
  for (let u = 0; u < nUsers; u++) items.set(s.items.subarray(s.indptr[u]!, s.indptr[u]! + indptr[u + 1]! - indptr[u]!), indptr[u]!);
  return { train: { indptr, items }, valid };
}

/**
 * The last `T` items of `seq` right-aligned into `out` (length T) with `pad` before them, as SASRec's
 * sampler fills `seq[idx]` from the end.
 */
export function rightAlign(seq: ArrayLike<number>, T: number, out: Int32Array, offset: number, pad: number): void {
  const n = Math.min(seq.length, T);
  out.fill(pad, offset, offset + T - n);
  for (let j = 0; j < n; j++) out[offset + T - n + j] = seq[seq.length - n + j]!;
}
