/**
 * @module k-fold cross-validation over n rows (Surprise's `KFold` with `shuffle=True`, scikit-learn's layout):
 * a seeded permutation cut into k contiguous folds, the first n mod k folds one row larger. Each row tests in
 * exactly one fold and trains in the k − 1 others.
 */
import { createError } from '../core/errors.js';
import { createRng } from '../core/rng.js';

export interface Fold {
  /** Row positions, ascending. */
  train: Int32Array;
  test: Int32Array;
}

export function kFolds(n: number, k: number, seed: number): Fold[] {
  if (!(Number.isInteger(k) && k >= 2)) throw createError('INVALID_INPUT', { field: 'folds', problem: `expected an integer ≥ 2, got ${k}` });
  if (n < k) throw createError('INVALID_INPUT', { field: 'folds', problem: `${k} folds need at least ${k} rows, got ${n}` });
  const perm = createRng(seed).shuffle(Array.from({ length: n }, (_, j) => j));
  const fold = new Int32Array(n);
  const base = Math.floor(n / k), extra = n % k;
  let at = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let j = 0; j < size; j++) fold[perm[at++]!] = f;
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [], test: number[] = [];
    for (let j = 0; j < n; j++) (fold[j] === f ? test : train).push(j);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}
