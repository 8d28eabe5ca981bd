/**
 * @module The policy a simulation serves: a name and the engine config overrides that make it.
 *
 * - `fixed`: the engine's default feed recipe (sources and weights) with exploration off (`feed.exploration.every`
 *   0: no exploration slots, no exploration policy learning online);
 * - `learning`: the engine's default learning policy: the default recipe with its exploration slots filled by the
 *   default exploration policy (`feed.exploration`: Thompson sampling over the candidate sources), which learns
 *   online from the events on the posts it placed;
 * - `PATH.json`: a JSON object of engine config overrides (e.g. `{"feed": {"sources": [...]}}`), laid over the
 *   defaults; its name is the file name without `.json`.
 * Every policy is retrained at each simulated day's start and folds new events in online (`engine.ingest`).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { configSchema, type ResonateConfigInput } from '../core/config.js';
import { createError } from '../core/errors.js';

export interface PolicySpec {
  readonly name: string;
  readonly overrides: ResonateConfigInput;
}

export const BUILTIN_POLICIES: Readonly<Record<string, PolicySpec>> = {
  fixed: { name: 'fixed', overrides: { feed: { exploration: { every: 0 } } } },
  learning: { name: 'learning', overrides: {} },
};

export function resolvePolicy(spec: string): PolicySpec {
  const builtin = BUILTIN_POLICIES[spec];
  if (builtin) return builtin;
  if (!spec.toLowerCase().endsWith('.json')) {
    throw createError('UNKNOWN_OPTION', { kind: 'policy', name: spec, expected: `${Object.keys(BUILTIN_POLICIES).join(', ')} or a .json file of config overrides` });
  }
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch {
    throw createError('FILE_NOT_FOUND', { path: spec });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw createError('INVALID_JSON', { where: spec, problem: (e as Error).message });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw createError('INVALID_INPUT', { field: spec, problem: 'expected a JSON object of config overrides' });
  }
  const checked = configSchema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw createError('INVALID_INPUT', { field: `${spec} ${issue.path.join('.')}`, problem: issue.message });
  }
  return { name: basename(spec).replace(/\.json$/i, ''), overrides: value as ResonateConfigInput };
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `over` laid onto `base`: objects merged key by key, anything else (arrays included) replaced. */
export function mergeOverrides(base: ResonateConfigInput, over: ResonateConfigInput): ResonateConfigInput {
  const merge = (a: unknown, b: unknown): unknown => {
    if (!isPlain(a) || !isPlain(b)) return b === undefined ? a : b;
    const out: Plain = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
    return out;
  };
  return merge(base, over) as ResonateConfigInput;
}
