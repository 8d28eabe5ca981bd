/**
 * @module Loads an evaluation dataset given as `<import format>:<path>` (e.g. `movielens:../shared/data/ml-100k`,
 * `interactions:Video.txt`): imports it into an in-memory store with the regular importers, then builds the
 * Dataset in one pass. The same code path as production ingestion, so evaluation sees what serving sees.
 * `synthetic:users=2000,seed=7` generates the synthetic social network (as `resonate generate`) instead.
 */
import { createError } from '../core/errors.js';
import { DEFAULT_CONFIG, type ResonateConfig } from '../core/config.js';
import { noProgress, type Progress } from '../core/progress.js';
import type { Dataset } from '../data/dataset.js';
import { datasetFromStore } from '../data/dataset-from-store.js';
import { IMPORT_FORMATS, importData } from '../data/importers/index.js';
import { openStore } from '../storage/open-store.js';
import { generateToStore } from '../data/synthetic/index.js';

/** `synthetic:users=2000,seed=7`: the synthetic social network `resonate generate` writes, generated in memory. */
export const SYNTHETIC_SPEC = 'synthetic';

export function parseSyntheticSpec(rest: string): { users: number; seed: number } {
  const out = { users: 2000, seed: 42 };
  for (const part of rest.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value] = part.split('=');
    const n = Number(value);
    if ((key !== 'users' && key !== 'seed') || !Number.isInteger(n) || n < (key === 'users' ? 1 : 0)) {
      throw createError('INVALID_INPUT', { field: '--data', problem: `expected synthetic:users=N,seed=S, got "${part}"` });
    }
    out[key] = n;
  }
  return out;
}

export function parseDataSpec(spec: string): { format: string; path: string } {
  const at = spec.indexOf(':');
  if (spec.slice(0, at) === SYNTHETIC_SPEC) return { format: SYNTHETIC_SPEC, path: spec.slice(at + 1) };
  if (at <= 0) throw createError('INVALID_INPUT', { field: '--data', problem: `expected <format>:<path> with format one of ${IMPORT_FORMATS.join(', ')}, got "${spec}"` });
  const format = spec.slice(0, at);
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw createError('UNKNOWN_OPTION', { kind: 'data format', name: format, expected: IMPORT_FORMATS.join(', ') });
  return { format, path: spec.slice(at + 1) };
}

/**
 * `needs`: what the evaluation scores — `interactions` (default) refuses an import without events, `follows` (the
 * who-to-follow task) one without follows.
 */
export async function loadEvaluationData(spec: string, weights: ResonateConfig['weights'] = DEFAULT_CONFIG.weights, progress: Progress = noProgress, needs: 'interactions' | 'follows' = 'interactions'): Promise<Dataset> {
  const { format, path } = parseDataSpec(spec);
  const store = await openStore('sqlite://:memory:');
  try {
    if (format === SYNTHETIC_SPEC) await generateToStore(store, parseSyntheticSpec(path), progress);
    else {
      const report = await importData(store, format, path, { strict: false, progress });
      if (needs === 'interactions' && report.accepted.events === 0) throw createError('DATASET_EMPTY', { what: `interactions in ${path}` });
      if (needs === 'follows' && report.accepted.follows === 0) throw createError('DATASET_EMPTY', { what: `follows in ${path}` });
    }
    return await datasetFromStore(store, weights, progress);
  } finally {
    await store.close();
  }
}
