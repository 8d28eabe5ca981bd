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

/** A non-negative integer from artifact state, or ARTIFACT_INVALID. */
export function stateInt(state: Record<string, unknown>, key: string, where: string): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `state.${key} should be a non-negative integer, got ${String(v)}` });
  }
  return v;
}

/**
 * A copy of `m` whose row `row` also holds `items` (weights added to existing entries, default 1), with rows
 * appended when `row` ≥ m.rows. O(nnz): meant for online updates of single users, not bulk loads.
 */
export function csrAddToRow(m: Csr, row: number, items: ArrayLike<number>, weights?: ArrayLike<number>): Csr {
  const merged = new Map<number, number>();
  if (row < m.rows) for (let k = m.indptr[row]!; k < m.indptr[row + 1]!; k++) merged.set(m.indices[k]!, m.data[k]!);
  for (let k = 0; k < items.length; k++) {
    const i = items[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= m.cols) throw createError('INVALID_INPUT', { field: `items[${k}]`, problem: `expected a dense item index in 0..${m.cols - 1}, got ${i}` });
    merged.set(i, (merged.get(i) ?? 0) + (weights ? weights[k]! : 1));
  }
  const cols = [...merged.keys()].sort((a, b) => a - b);
  const rows = Math.max(m.rows, row + 1);
  const before = row < m.rows ? m.indptr[row]! : m.indptr[m.rows]!;
  const after = row < m.rows ? m.indptr[row + 1]! : before;
  const nz = m.indptr[m.rows]! - (after - before) + cols.length;
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nz);
  const data = new Float32Array(nz);
  indices.set(m.indices.subarray(0, before));
  data.set(m.data.subarray(0, before));
  cols.forEach((c, j) => { indices[before + j] = c; data[before + j] = merged.get(c)!; });
  indices.set(m.indices.subarray(after), before + cols.length);
  data.set(m.data.subarray(after), before + cols.length);
  const shift = cols.length - (after - before);
  for (let r = 0; r <= rows; r++) {
    if (r <= row) indptr[r] = r <= m.rows ? m.indptr[r]! : m.indptr[m.rows]!;
    else indptr[r] = (r <= m.rows ? m.indptr[r]! : m.indptr[m.rows]!) + shift;
  }
  return { rows, cols: m.cols, indptr, indices, data };
}
