/**
 * @module Top-k selection with a bounded min-heap: O(n log k) over n scores, no full sort.
 */

export interface Scored {
  index: number;
  score: number;
}

/**
 * Indices of the k largest scores, best first. Entries with `skip(i)` true or non-finite scores are ignored.
 * Ties break toward the smaller index so results are deterministic.
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): Scored[] {
  if (k <= 0) return [];
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  const worse = (ia: number, va: number, ib: number, vb: number): boolean => va < vb || (va === vb && ia > ib);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s) || (skip && skip(i))) continue;
    if (size < k) {
      // Sift up.
      let pos = size++;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (!worse(i, s, heapIdx[parent]!, heapVal[parent]!)) break;
        heapIdx[pos] = heapIdx[parent]!;
        heapVal[pos] = heapVal[parent]!;
        pos = parent;
      }
      heapIdx[pos] = i;
      heapVal[pos] = s;
    } else if (worse(heapIdx[0]!, heapVal[0]!, i, s)) {
      // Replace root and sift down.
      let pos = 0;
      for (;;) {
        const l = 2 * pos + 1;
        if (l >= size) break;
        const r = l + 1;
        let c = l;
        if (r < size && worse(heapIdx[r]!, heapVal[r]!, heapIdx[l]!, heapVal[l]!)) c = r;
        if (!worse(heapIdx[c]!, heapVal[c]!, i, s)) break;
        heapIdx[pos] = heapIdx[c]!;
        heapVal[pos] = heapVal[c]!;
        pos = c;
      }
      heapIdx[pos] = i;
      heapVal[pos] = s;
    }
  }
  const out: Scored[] = [];
  for (let j = 0; j < size; j++) out.push({ index: heapIdx[j]!, score: heapVal[j]! });
  out.sort((a, b) => b.score - a.score || a.index - b.index);
  return out;
}
