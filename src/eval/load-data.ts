/**
 * @module Loads an evaluation dataset given as `<import format>:<path>` (e.g. `movielens:../shared/data/ml-100k`,
 * `interactions:Video.txt`): imports it into an in-memory store with the regular importers, then builds the
 * Dataset in one pass. The same code path as production ingestion, so evaluation sees what serving sees.
 */
import { createError } from '../core/errors.js';
import { DEFAULT_CONFIG, type ResonateConfig } from '../core/config.js';
import { noProgress, type Progress } from '../core/progress.js';
import type { Dataset } from '../data/dataset.js';
import { datasetFromStore } from '../data/dataset-from-store.js';
import { IMPORT_FORMATS, importData } from '../data/importers/index.js';
import { openStore } from '../storage/open-store.js';

export function parseDataSpec(spec: string): { format: string; path: string } {
  const at = spec.indexOf(':');
  if (at <= 0) throw createError('INVALID_INPUT', { field: '--data', problem: `expected <format>:<path> with format one of ${IMPORT_FORMATS.join(', ')}, got "${spec}"` });
  const format = spec.slice(0, at);
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw createError('UNKNOWN_OPTION', { kind: 'data format', name: format, expected: IMPORT_FORMATS.join(', ') });
  return { format, path: spec.slice(at + 1) };
}

export async function loadEvaluationData(spec: string, weights: ResonateConfig['weights'] = DEFAULT_CONFIG.weights, progress: Progress = noProgress): Promise<Dataset> {
  const { format, path } = parseDataSpec(spec);
  const store = await openStore('sqlite://:memory:');
  try {
    const report = await importData(store, format, path, { strict: false, progress });
    if (report.accepted.events === 0) throw createError('DATASET_EMPTY', { what: `interactions in ${path}` });
    return await datasetFromStore(store, weights, progress);
  } finally {
    await store.close();
  }
}
