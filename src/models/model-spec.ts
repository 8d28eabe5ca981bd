/**
 * @module Model specs: the one format in which a model is named everywhere — `resonate eval --models`, the
 * `best.json` that `resonate tune` writes, `models.train` and `feed.sources` in the config. A spec is a
 * registry id with optional parameters, a blend weight and a label (`{ "id": "mf/ials", "params": { "factors":
 * 64 }, "weight": 1, "label": "ials-64" }`), a bare id (`"item-knn/cosine"`), or the path of a JSON file holding
 * one spec or an array of them (an entry ending in `.json`).
 *
 * Resolving a list checks every spec by building the model (so unknown ids, wrong parameters and hybrids
 * without members are caught before any training) and names the offending field path in the error.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createError, isResonateError, type ErrorCode } from '../core/errors.js';
import { createModel } from './registry.js';

export interface ModelSpec {
  /** Registry id, e.g. `mf/ials`. */
  id: string;
  /** Hyperparameters (defaults for the rest). */
  params: Record<string, unknown>;
  /** Weight of the model as a feed source (default 1; ignored elsewhere). */
  weight: number;
  /** Name that tells two specs of one id apart; the spec's key when set. */
  label?: string;
}

/** The JSON object form. `about` (how it was chosen) and `tuning` (what `resonate tune` measured) are notes. */
export const modelSpecObject = z.strictObject({
  id: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
  weight: z.number().min(0).optional(),
  label: z.string().min(1).optional(),
  about: z.string().optional(),
  tuning: z.unknown().optional(),
});

export type ModelSpecObject = z.input<typeof modelSpecObject>;
/** What a config or command line may hold: a bare id, a spec object, or a `.json` spec file path. */
export type ModelSpecEntry = string | ModelSpecObject;

const specFile = z.union([modelSpecObject, z.array(modelSpecObject).min(1)]);

export interface ResolveOptions {
  /** Error code of a bad entry: INVALID_CONFIG for config fields, INVALID_INPUT for command-line flags. */
  code?: Extract<ErrorCode, 'INVALID_CONFIG' | 'INVALID_INPUT'>;
  /** Reads a spec file (default: from disk). */
  read?: (path: string) => string;
  /** Build each model once to check its id and parameters (default true). */
  check?: boolean;
}

/** The key a fitted model is known by (feed source name, artifact file, `recommend --model`). */
export function specKey(spec: Pick<ModelSpec, 'id' | 'label'>): string {
  return spec.label ?? spec.id;
}

/**
 * Resolves entries (ids, objects, spec-file paths) into checked specs. `field` is the path of the list in
 * errors (`feed.sources` → `feed.sources[1].params: …`).
 */
export function resolveModelSpecs(entries: readonly ModelSpecEntry[], field: string, options: ResolveOptions = {}): ModelSpec[] {
  return checkedList(entries.map((entry, j) => ({ entry, at: `${field}[${j}]` })), options);
}

/** Like resolveModelSpecs, each entry with its own field path (for lists that mix specs with other entries). */
export function resolveModelSpecsAt(entries: readonly { entry: ModelSpecEntry; at: string }[], options: ResolveOptions = {}): ModelSpec[] {
  return checkedList(entries, options);
}

function checkedList(entries: readonly { entry: ModelSpecEntry; at: string }[], options: ResolveOptions): ModelSpec[] {
  const code = options.code ?? 'INVALID_CONFIG';
  const read = options.read ?? ((path: string) => readFileSync(path, 'utf8'));
  const fail = (at: string, problem: string): never => {
    throw createError(code, { field: at, problem });
  };
  const out: { spec: ModelSpec; at: string }[] = [];
  for (const { entry, at } of entries) {
    if (typeof entry === 'string' && entry.trim().endsWith('.json')) {
      for (const spec of readSpecFile(entry.trim(), at, read, fail)) out.push({ spec, at });
    } else if (typeof entry === 'string') {
      if (entry.trim() === '') fail(at, 'expected a model id, got an empty string');
      out.push({ spec: { id: entry.trim(), params: {}, weight: 1 }, at });
    } else {
      const parsed = modelSpecObject.safeParse(entry);
      if (!parsed.success) fail(issuePath(at, parsed.error.issues[0]!.path), parsed.error.issues[0]!.message);
      else out.push({ spec: toSpec(parsed.data), at });
    }
  }
  if (options.check !== false) for (const { spec, at } of out) checkSpec(spec, at, fail);
  const keys = new Map<string, ModelSpec>();
  for (const { spec, at } of out) {
    const prev = keys.get(specKey(spec));
    if (prev !== undefined && canonicalJson(prev) !== canonicalJson(spec)) fail(at, `two different specs are both called "${specKey(spec)}"; give one a "label"`);
    keys.set(specKey(spec), spec);
  }
  return dedupe(out.map((o) => o.spec));
}

/** One spec; see resolveModelSpecs. */
export function resolveModelSpec(entry: ModelSpecEntry, field: string, options: ResolveOptions = {}): ModelSpec {
  const specs = resolveModelSpecsAt([{ entry, at: field }], options);
  if (specs.length !== 1) throw createError(options.code ?? 'INVALID_CONFIG', { field, problem: `expected one model spec, the file holds ${specs.length}` });
  return specs[0]!;
}

/** JSON with sorted keys: equal specs give equal strings (artifact versions are matched on it). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

function toSpec(o: z.output<typeof modelSpecObject>): ModelSpec {
  return { id: o.id, params: o.params ?? {}, weight: o.weight ?? 1, ...(o.label !== undefined ? { label: o.label } : {}) };
}

function readSpecFile(path: string, at: string, read: (p: string) => string, fail: (at: string, problem: string) => never): ModelSpec[] {
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    return fail(at, `cannot read model spec file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(at, `${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = specFile.safeParse(json);
  if (!parsed.success) return fail(issuePath(`${at} (${path})`, parsed.error.issues[0]!.path), parsed.error.issues[0]!.message);
  return (Array.isArray(parsed.data) ? parsed.data : [parsed.data]).map(toSpec);
}

/** Builds the model once: unknown ids, bad parameters and malformed hybrid members fail here, not mid-training. */
function checkSpec(spec: ModelSpec, at: string, fail: (at: string, problem: string) => never): void {
  try {
    createModel(spec.id, spec.params);
  } catch (e) {
    if (!isResonateError(e)) throw e;
    if (e.code === 'MODEL_UNKNOWN') fail(`${at}.id`, e.message);
    fail(`${at}.params`, e.message);
  }
}

function issuePath(at: string, path: readonly PropertyKey[]): string {
  return at + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

function dedupe(specs: ModelSpec[]): ModelSpec[] {
  const seen = new Set<string>();
  return specs.filter((s) => {
    const key = specKey(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
