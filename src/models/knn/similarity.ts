/**
 * @module Sparse k-nearest-neighbour similarity: for every row of A (entities × features), the `neighbours`
 * most similar other rows, as a CSR (entities × entities).
 *
 * Row a is computed from the transposed matrix: for each feature f of a, every entity e sharing f gets
 * acc[e] += A[a,f]·A[e,f] in a dense scratch array, so the cost is Σ_f nnz(column f)² rather than entities².
 * The dot products then pass through a `SimilarityMeasure` (cosine with shrinkage, asymmetric cosine,
 * Jaccard) and the best `neighbours` with a positive similarity are kept. A slow dense twin lives in
 * `similarity.ref.ts`.
 */
import { throwIfAborted, type Progress } from '../../core/progress.js';
import type { Csr } from '../../math/csr.js';

/** sim(a → b) from the dot product and the squared norms ‖a‖², ‖b‖² (for binary rows: the counts). */
export type SimilarityMeasure = (dot: number, sqA: number, sqB: number) => number;

/** Cosine with shrinkage: dot / (‖a‖‖b‖ + λ). λ damps pairs resting on little evidence. */
export function cosineMeasure(shrink: number): SimilarityMeasure {
  return (dot, sqA, sqB) => dot / (Math.sqrt(sqA * sqB) + shrink);
}

/**
 * Asymmetric cosine (Aiolli 2013, "Efficient top-N recommendation for very large scale binary rated datasets"):
 * dot / (‖a‖^{2α} ‖b‖^{2(1−α)} + λ). On binary data this is P(b|a)^α P(a|b)^{1−α}; α = ½ is cosine, α = 1 the
 * conditional probability of b given a.
 */
export function asymmetricCosineMeasure(alpha: number, shrink: number): SimilarityMeasure {
  return (dot, sqA, sqB) => dot / (Math.pow(sqA, alpha) * Math.pow(sqB, 1 - alpha) + shrink);
}

/** Jaccard on binary rows: |a∩b| / (|a| + |b| − |a∩b| + λ). Feed it a binarised matrix. */
export function jaccardMeasure(shrink: number): SimilarityMeasure {
  return (dot, sqA, sqB) => dot / (sqA + sqB - dot + shrink);
}

/** ‖row‖² of every row. */
export function squaredNorms(a: Csr): Float64Array {
  const out = new Float64Array(a.rows);
  for (let r = 0; r < a.rows; r++) {
    let s = 0;
    for (let k = a.indptr[r]!; k < a.indptr[r + 1]!; k++) s += a.data[k]! * a.data[k]!;
    out[r] = s;
  }
  return out;
}

/** A copy with every stored value set to 1. */
export function binarize(a: Csr): Csr {
  return { ...a, data: new Float32Array(a.data.length).fill(1) };
}

export interface SimilarityOptions {
  /** Neighbours kept per row. */
  neighbours: number;
  measure: SimilarityMeasure;
  /** Checked every `CHECK_EVERY` rows; an abort throws TRAINING_CANCELLED naming `label`. */
  signal?: AbortSignal;
  progress?: Progress;
  label?: string;
}

/** Rows between cancellation checks and progress reports: cheap enough to be invisible, often enough to stop fast. */
const CHECK_EVERY = 1024;

/**
 * Top-`neighbours` similarity of each row of `a` (entities × features) to the other rows. `aT` is `a`
 * transposed (features × entities) and `sq` the squared row norms of `a`. Each output row's columns are sorted
 * ascending; only positive similarities are kept; the diagonal never is. Ties keep the smaller index.
 */
export function knnSimilarity(a: Csr, aT: Csr, sq: Float64Array, options: SimilarityOptions): Csr {
  const n = a.rows;
  const row = knnSimilarityRows(a, aT, sq, options);
  const rowIndices: Int32Array[] = [];
  const rowData: Float32Array[] = [];
  for (let r = 0; r < n; r++) {
    if (r % CHECK_EVERY === 0) {
      throwIfAborted(options.signal, options.label ?? 'similarity');
      options.progress?.(r, n, options.label);
    }
    const out = row(r);
    rowIndices.push(out.indices);
    rowData.push(out.data);
  }
  options.progress?.(n, n, options.label);
  const indptr = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) indptr[r + 1] = indptr[r]! + rowIndices[r]!.length;
  const indices = new Int32Array(indptr[n]!), data = new Float32Array(indptr[n]!);
  for (let r = 0; r < n; r++) {
    indices.set(rowIndices[r]!, indptr[r]!);
    data.set(rowData[r]!, indptr[r]!);
  }
  return { rows: n, cols: n, indptr, indices, data };
}

/**
 * Row r of `knnSimilarity` as a function (same arguments): the fit computes every row, unlearning only the rows a
 * removal can change, with the same arithmetic.
 */
export function knnSimilarityRows(a: Csr, aT: Csr, sq: Float64Array, options: Pick<SimilarityOptions, 'neighbours' | 'measure'>): (r: number) => { indices: Int32Array; data: Float32Array } {
  const n = a.rows;
  const kMax = Math.max(0, Math.floor(options.neighbours));
  const measure = options.measure;
  const acc = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const touched = new Int32Array(n);
  // Bounded min-heap of the best neighbours of the current row; the root is the worst kept.
  const heapIdx = new Int32Array(kMax);
  const heapVal = new Float64Array(kMax);
  const order: number[] = [];
  return (r) => {
    let t = 0;
    for (let k = a.indptr[r]!; k < a.indptr[r + 1]!; k++) {
      const f = a.indices[k]!, va = a.data[k]!;
      for (let q = aT.indptr[f]!; q < aT.indptr[f + 1]!; q++) {
        const e = aT.indices[q]!;
        if (e === r) continue;
        if (mark[e] !== r) {
          mark[e] = r;
          acc[e] = 0;
          touched[t++] = e;
        }
        acc[e]! += va * aT.data[q]!;
      }
    }
    // Rows may be asked again (unlearning): forget this row's marks.
    for (let j = 0; j < t; j++) mark[touched[j]!] = -1;
    let size = 0;
    const sqR = sq[r]!;
    for (let j = 0; j < t; j++) {
      const e = touched[j]!;
      const v = measure(acc[e]!, sqR, sq[e]!);
      if (!(v > 0)) continue;
      if (size < kMax) {
        let pos = size++;
        while (pos > 0) {
          const parent = (pos - 1) >> 1;
          if (!worse(e, v, heapIdx[parent]!, heapVal[parent]!)) break;
          heapIdx[pos] = heapIdx[parent]!;
          heapVal[pos] = heapVal[parent]!;
          pos = parent;
        }
        heapIdx[pos] = e;
        heapVal[pos] = v;
      } else if (kMax > 0 && worse(heapIdx[0]!, heapVal[0]!, e, v)) {
        let pos = 0;
        for (;;) {
          const l = 2 * pos + 1;
          if (l >= size) break;
          let c = l;
          if (l + 1 < size && worse(heapIdx[l + 1]!, heapVal[l + 1]!, heapIdx[l]!, heapVal[l]!)) c = l + 1;
          if (!worse(heapIdx[c]!, heapVal[c]!, e, v)) break;
          heapIdx[pos] = heapIdx[c]!;
          heapVal[pos] = heapVal[c]!;
          pos = c;
        }
        heapIdx[pos] = e;
        heapVal[pos] = v;
      }
    }
    // Emit the kept neighbours with their columns ascending.
    order.length = size;
    for (let j = 0; j < size; j++) order[j] = j;
    order.sort((x, y) => heapIdx[x]! - heapIdx[y]!);
    return { indices: Int32Array.from(order, (j) => heapIdx[j]!), data: Float32Array.from(order, (j) => heapVal[j]!) };
  };
}

/** Heap order: (value a, index a) ranks below (value b, index b) — lower value, or equal value and larger index. */
function worse(ia: number, va: number, ib: number, vb: number): boolean {
  return va < vb || (va === vb && ia > ib);
}

/**
 * Column e of `knnSimilarity` before the top-k cut (same arguments): calls visit(r, sim(r → e)) for every row r ≠ e
 * sharing a feature with e, each computed with the arithmetic and summation order of row r (unlearning patches
 * rows with it).
 */
export function knnSimilarityColumn(a: Csr, aT: Csr, sq: Float64Array, measure: SimilarityMeasure): (e: number, visit: (r: number, value: number) => void) => void {
  const acc = new Float64Array(a.rows);
  const mark = new Int32Array(a.rows).fill(-1);
  const touched: number[] = [];
  return (e, visit) => {
    touched.length = 0;
    for (let k = a.indptr[e]!; k < a.indptr[e + 1]!; k++) {
      const f = a.indices[k]!, ve = a.data[k]!;
      for (let q = aT.indptr[f]!; q < aT.indptr[f + 1]!; q++) {
        const r = aT.indices[q]!;
        if (r === e) continue;
        if (mark[r] !== e) { mark[r] = e; acc[r] = 0; touched.push(r); }
        acc[r]! += aT.data[q]! * ve;
      }
    }
    for (const r of touched) mark[r] = -1;
    for (const r of touched) visit(r, measure(acc[r]!, sq[r]!, sq[e]!));
  };
}

/**
 * sim(r → e) alone, as row r of `knnSimilarity` computes it (the dot product over shared features in ascending
 * order), with the row's tie order (the smaller index first): unlearning settles near-ties at a top-k cut with it.
 */
export function knnSimilarityEntry(a: Csr, sq: Float64Array, measure: SimilarityMeasure): (r: number) => (e: number) => { value: number; key: number } {
  return (r) => (e) => {
    let dot = 0;
    let p = a.indptr[r]!, q = a.indptr[e]!;
    const pEnd = a.indptr[r + 1]!, qEnd = a.indptr[e + 1]!;
    while (p < pEnd && q < qEnd) {
      const fp = a.indices[p]!, fq = a.indices[q]!;
      if (fp < fq) p++;
      else if (fq < fp) q++;
      else {
        dot += a.data[p]! * a.data[q]!;
        p++;
        q++;
      }
    }
    return { value: measure(dot, sq[r]!, sq[e]!), key: e };
  };
}
