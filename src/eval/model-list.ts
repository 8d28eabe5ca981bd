/**
 * @module The `--models` list of `resonate eval`: comma-separated registry ids, `all`, and paths of JSON model
 * files (an entry ending in `.json`), each holding one model spec `{"id", "params"?, "label"?, "about"?}` or an
 * array of them. A file pins a configuration, e.g. a blend whose members and weights were chosen by
 * `resonate tune`, so `resonate eval --models ease,configs/ml-100k-blend.json` reproduces a published row.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { modelSpecObject } from '../models/model-spec.js';
import { createError } from '../core/errors.js';
import type { ModelSpec } from './run-evaluation.js';

/** The one spec format (src/models/model-spec.ts): `weight`, `about` and `tuning` are read and ignored here. */
const modelFileEntry = modelSpecObject;

const modelFile = z.union([modelFileEntry, z.array(modelFileEntry).min(1)]);

/** Model specs of one JSON model file's text; INVALID_INPUT naming `source` when it does not parse or fit. */
export function parseModelFile(text: string, source: string): ModelSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw createError('INVALID_INPUT', { field: `--models ${source}`, problem: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
  }
  const parsed = modelFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw createError('INVALID_INPUT', { field: `--models ${source}`, problem: `${issue.path.join('.') || '(root)'}: ${issue.message}` });
  }
  const entries = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  return entries.map(({ id, params, label }) => ({ id, ...(params ? { params } : {}), ...(label !== undefined ? { label } : {}) }));
}

/** `--models` → what `runEvaluation` takes; `read` reads a model file (default: from disk). */
export function parseModelList(arg: string, read: (file: string) => string = (file) => readFileSync(file, 'utf8')): (ModelSpec | 'all')[] {
  const out: (ModelSpec | 'all')[] = [];
  for (const entry of arg.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (entry.endsWith('.json')) {
      let text: string;
      try {
        text = read(entry);
      } catch (e) {
        throw createError('INVALID_INPUT', { field: '--models', problem: `cannot read model file ${entry}: ${e instanceof Error ? e.message : String(e)}` });
      }
      out.push(...parseModelFile(text, entry));
    } else out.push(entry === 'all' ? 'all' : entry);
  }
  return out;
}
