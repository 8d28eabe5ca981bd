/**
 * @module Shared plumbing of the classical models: strict zod parameter parsing (unknown keys → INVALID_INPUT),
 * the seen-items matrix and factor matrices as artifact tensors, and artifact shape checks.
 */
import type { z } from 'zod';
import { createError } from '../../core/errors.js';
import type { Csr } from '../../math/csr.js';
import type { TensorEntry, TensorMap } from '../../nn/safetensors.js';

/**
 * Parses hyperparameters with a strict zod object schema; any problem (unknown key, wrong type, out of range)
 * becomes INVALID_INPUT naming the model and the field.
 */
export function parseParams<S extends z.ZodType>(modelId: string, schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const keys = (issue as { keys?: string[] }).keys;
  const path = issue.path.length ? issue.path.join('.') : keys?.join(', ') ?? '';
  throw createError('INVALID_INPUT', { field: `${modelId} params${path ? '.' + path : ''}`, problem: issue.message });
}

/** The training matrix as three tensors (prefix.indptr / .indices / .data). */
export function csrTensors(prefix: string, m: Csr): TensorMap {
  return {
    [`${prefix}.indptr`]: { data: m.indptr, shape: [m.indptr.length] },
    [`${prefix}.indices`]: { data: m.indices, shape: [m.indices.length] },
    [`${prefix}.data`]: { data: m.data, shape: [m.data.length] },
  };
}

/** Rebuilds a CSR saved by `csrTensors`, checking dtypes and shapes. */
export function csrFromTensors(tensors: TensorMap, prefix: string, rows: number, cols: number, where: string): Csr {
  const indptr = tensor(tensors, `${prefix}.indptr`, where).data;
  const indices = tensor(tensors, `${prefix}.indices`, where).data;
  const data = tensor(tensors, `${prefix}.data`, where).data;
  if (!(indptr instanceof Int32Array) || !(indices instanceof Int32Array) || !(data instanceof Float32Array)) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor ${prefix} has the wrong dtype` });
  }
  if (indptr.length !== rows + 1 || indices.length !== data.length || indptr[rows] !== indices.length) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor ${prefix} does not describe a ${rows}×${cols} matrix` });
  }
  return { rows, cols, indptr, indices, data };
}

/** A named tensor, or ARTIFACT_INVALID. */
export function tensor(tensors: TensorMap, name: string, where: string): TensorEntry {
  const t = tensors[name];
  if (!t) throw createError('ARTIFACT_INVALID', { path: where, problem: `missing tensor ${name}` });
  return t;
}

/** A Float32 tensor of exactly `length` values, or ARTIFACT_INVALID. */
export function f32Tensor(tensors: TensorMap, name: string, length: number, where: string): Float32Array {
  const t = tensor(tensors, name, where).data;
  if (!(t instanceof Float32Array) || t.length !== length) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor ${name} should be F32 with ${length} values, has ${t.length}` });
  }
  return t;
}

/** An Int32 tensor of exactly `length` values, or ARTIFACT_INVALID. */
export function i32Tensor(tensors: TensorMap, name: string, length: number, where: string): Int32Array {
  const t = tensor(tensors, name, where).data;
  if (!(t instanceof Int32Array) || t.length !== length) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor ${name} should be I32 with ${length} values, has ${t.length}` });
  }
  return t;
}

/** A non-negative integer from artifact state, or ARTIFACT_INVALID. */
export function stateInt(state: Record<string, unknown>, key: string, where: string): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `state.${key} should be a non-negative integer, got ${String(v)}` });
  }
  return v;
}


/** `m` with extra (row → item → weight) entries added, rows grown to `rows`; columns stay sorted. */
export function csrWithAdditions(m: Csr, added: ReadonlyMap<number, ReadonlyMap<number, number>>, rows: number): Csr {
  if (added.size === 0 && rows === m.rows) return m;
  const indptr = new Int32Array(rows + 1);
  const rowItems: Int32Array[] = [];
  const rowData: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const inRow = r < m.rows;
    let items = inRow ? m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!) : new Int32Array(0);
    let data = inRow ? m.data.subarray(m.indptr[r]!, m.indptr[r + 1]!) : new Float32Array(0);
    const extra = added.get(r);
    if (extra) {
      const merged = new Map<number, number>();
      for (let k = 0; k < items.length; k++) merged.set(items[k]!, data[k]!);
      for (const [i, w] of extra) merged.set(i, (merged.get(i) ?? 0) + w);
      const order = [...merged.keys()].sort((a, b) => a - b);
      items = Int32Array.from(order);
      data = Float32Array.from(order, (i) => merged.get(i)!);
    }
    rowItems.push(items);
    rowData.push(data);
    indptr[r + 1] = indptr[r]! + items.length;
  }
  const indices = new Int32Array(indptr[rows]!);
  const data = new Float32Array(indptr[rows]!);
  for (let r = 0; r < rows; r++) {
    indices.set(rowItems[r]!, indptr[r]!);
    data.set(rowData[r]!, indptr[r]!);
  }
  return { rows, cols: m.cols, indptr, indices, data };
}

/** Column indices inside the matrix and row pointers non-decreasing, or ARTIFACT_INVALID. */
export function checkCsrIndices(m: Csr, where: string, name: string): void {
  for (let r = 0; r < m.rows; r++) {
    if (m.indptr[r + 1]! < m.indptr[r]!) throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor ${name}.indptr decreases at row ${r}` });
  }
  for (let k = 0; k < m.indices.length; k++) {
    const c = m.indices[k]!;
    if (c < 0 || c >= m.cols) throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor ${name}.indices[${k}] = ${c} is outside 0..${m.cols - 1}` });
  }
}
