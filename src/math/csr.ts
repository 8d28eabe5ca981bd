/**
 * @module Compressed sparse row matrices: the shape of every interaction and graph matrix in Resonate.
 *
 * Row r's entries are `indices[indptr[r] .. indptr[r+1])` with values `data[…]`; column indices within a row
 * are sorted ascending and unique (builders sum duplicates).
 */

export interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float32Array;
}

/** Number of stored entries. */
export function nnz(m: Csr): number {
  return m.indptr[m.rows]!;
}

/** Builds a CSR from coordinate triplets; duplicate (row, col) pairs are summed (or combined by `combine`). */
export function csrFromCoo(
  rows: number,
  cols: number,
  r: ArrayLike<number>,
  c: ArrayLike<number>,
  v?: ArrayLike<number>,
  combine: (a: number, b: number) => number = (a, b) => a + b,
): Csr {
  const n = r.length;
  if (c.length !== n || (v && v.length !== n)) throw new RangeError('csrFromCoo: row, col and value arrays differ in length');
  const counts = new Int32Array(rows + 1);
  for (let i = 0; i < n; i++) {
    const ri = r[i]!, ci = c[i]!;
    if (ri < 0 || ri >= rows || ci < 0 || ci >= cols) throw new RangeError(`csrFromCoo: entry (${ri}, ${ci}) outside ${rows}×${cols}`);
    counts[ri + 1]!++;
  }
  for (let i = 0; i < rows; i++) counts[i + 1]! += counts[i]!;
  const order = new Int32Array(n);
  const fill = counts.slice(0, rows);
  for (let i = 0; i < n; i++) order[fill[r[i]!]!++] = i;
  // Sort each row by column and merge duplicates.
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(n);
  const data = new Float32Array(n);
  let out = 0;
  for (let row = 0; row < rows; row++) {
    const start = counts[row]!, end = counts[row + 1]!;
    const seg = Array.from(order.subarray(start, end)).sort((a, b) => c[a]! - c[b]!);
    let lastCol = -1;
    for (const k of seg) {
      const col = c[k]!;
      const val = v ? v[k]! : 1;
      if (col === lastCol) data[out - 1] = combine(data[out - 1]!, val);
      else {
        indices[out] = col;
        data[out] = val;
        out++;
        lastCol = col;
      }
    }
    indptr[row + 1] = out;
  }
  return { rows, cols, indptr, indices: indices.slice(0, out), data: data.slice(0, out) };
}

/** An empty rows × cols matrix. */
export function csrEmpty(rows: number, cols: number): Csr {
  return { rows, cols, indptr: new Int32Array(rows + 1), indices: new Int32Array(0), data: new Float32Array(0) };
}

/** Transpose (also converts CSR ↔ CSC), O(nnz). */
export function csrTranspose(m: Csr): Csr {
  const nz = nnz(m);
  const indptr = new Int32Array(m.cols + 1);
  for (let k = 0; k < nz; k++) indptr[m.indices[k]! + 1]!++;
  for (let i = 0; i < m.cols; i++) indptr[i + 1]! += indptr[i]!;
  const fill = indptr.slice(0, m.cols);
  const indices = new Int32Array(nz);
  const data = new Float32Array(nz);
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      const dst = fill[m.indices[k]!]!++;
      indices[dst] = r;
      data[dst] = m.data[k]!;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, data };
}

/** Column indices of row r (a view, no copy). */
export function rowIndices(m: Csr, r: number): Int32Array {
  return m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!);
}

/** Values of row r (a view, no copy). */
export function rowValues(m: Csr, r: number): Float32Array {
  return m.data.subarray(m.indptr[r]!, m.indptr[r + 1]!);
}

/** Number of entries in row r. */
export function rowNnz(m: Csr, r: number): number {
  return m.indptr[r + 1]! - m.indptr[r]!;
}

/** Value at (r, c), or 0 (binary search in the row). */
export function csrGet(m: Csr, r: number, c: number): number {
  let lo = m.indptr[r]!, hi = m.indptr[r + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const col = m.indices[mid]!;
    if (col === c) return m.data[mid]!;
    if (col < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** A copy with every value passed through f (structure shared by value, not by reference). */
export function csrMap(m: Csr, f: (v: number, row: number, col: number) => number): Csr {
  const data = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++) for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) data[k] = f(m.data[k]!, r, m.indices[k]!);
  return { rows: m.rows, cols: m.cols, indptr: m.indptr, indices: m.indices, data };
}

/** Keeps the entries for which keep(value, row, col) is true. */
export function csrFilter(m: Csr, keep: (v: number, row: number, col: number) => boolean): Csr {
  const indptr = new Int32Array(m.rows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      if (keep(m.data[k]!, r, m.indices[k]!)) {
        indices.push(m.indices[k]!);
        data.push(m.data[k]!);
      }
    }
    indptr[r + 1] = indices.length;
  }
  return { rows: m.rows, cols: m.cols, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

/** Sum of each row's values. */
export function rowSums(m: Csr): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) s += m.data[k]!;
    out[r] = s;
  }
  return out;
}

/** Number of entries in each column. */
export function colCounts(m: Csr): Int32Array {
  const out = new Int32Array(m.cols);
  const nz = nnz(m);
  for (let k = 0; k < nz; k++) out[m.indices[k]!]!++;
  return out;
}

/** Dense row-major Float32Array copy (tests and tiny matrices only). */
export function csrToDense(m: Csr): Float32Array {
  const out = new Float32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) out[r * m.cols + m.indices[k]!] = m.data[k]!;
  return out;
}

/** Builds a CSR from a dense row-major array, keeping non-zeros. */
export function csrFromDense(rows: number, cols: number, dense: ArrayLike<number>): Csr {
  const r: number[] = [], c: number[] = [], v: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    const x = dense[i * cols + j]!;
    if (x !== 0) { r.push(i); c.push(j); v.push(x); }
  }
  return csrFromCoo(rows, cols, r, c, v);
}
