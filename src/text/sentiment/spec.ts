/**
 * @module Text classifier spec files: a JSON object `{ "model": kind, "options": { … } }` naming a registered kind
 * and its options, for the CLI (`resonate text train-classifier --spec FILE`) and the engine's moderation config.
 * @example { "model": "ensemble", "options": { "members": [{ "model": "linear" }, { "model": "textcnn", "options": { "epochs": 3 } }] } }
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import type { ClassifierSpec } from './registry.js';

const specSchema = z.strictObject({
  model: z.string().min(1).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

/** Reads and checks a spec file; `model` may be left out when the caller supplies the kind. */
export function readClassifierSpec(path: string): Partial<ClassifierSpec> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw createError('FILE_NOT_FOUND', { path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw createError('INVALID_JSON', { where: path, problem: (e as Error).message });
  }
  const checked = specSchema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw createError('INVALID_INPUT', { field: `${path} ${issue.path.join('.') || '(root)'}`, problem: issue.message });
  }
  return { ...(checked.data.model !== undefined ? { model: checked.data.model } : {}), ...(checked.data.options ? { options: checked.data.options } : {}) };
}
