/**
 * @module Evaluation policies from a spec string:
 * - `obd:PATH` — the empirical action distribution per position of an OBD file: π(a | k) = the share of the file's
 *   rows at position k that show a (context-free); its `onPolicy` is the file's mean click;
 * - `uniform` — every action seen in the evaluated log, equally likely, at every position;
 * - `PATH.json` (or `json:PATH`) — `{"actions": {"a": 0.7, "b": 0.3}}` for every position and/or
 *   `{"positions": {"1": {...}, "2": {...}}}` per position (a position listed overrides `actions`); optional
 *   `"onPolicy"`: the policy's known value. Each distribution must sum to 1.
 * A position the policy has no distribution for is one it leaves empty (it scores nothing there).
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { meanReward, readObdCsv } from './obd-csv.js';
import { readTextFile } from './read-file.js';
import type { EvaluationPolicy, LoggedRow } from './types.js';

type Distribution = ReadonlyMap<string, number>;
const EMPTY: Distribution = new Map();

/** A context-free policy given as a table of probabilities per position (and a default for other positions). */
export function tablePolicy(description: string, byPosition: ReadonlyMap<number, Distribution>, fallback?: Distribution, onPolicy?: number): EvaluationPolicy {
  return {
    description,
    distribution: (position) => byPosition.get(position) ?? fallback ?? EMPTY,
    ...(onPolicy === undefined ? {} : { onPolicy }),
  };
}

/** The share of rows at each position that show each action. */
export function empiricalPolicy(description: string, rows: readonly LoggedRow[], onPolicy?: number): EvaluationPolicy {
  const counts = new Map<number, Map<string, number>>();
  for (const r of rows) {
    let m = counts.get(r.position);
    if (!m) counts.set(r.position, (m = new Map()));
    m.set(r.action, (m.get(r.action) ?? 0) + 1);
  }
  const byPosition = new Map<number, Distribution>();
  for (const [k, m] of counts) {
    let total = 0;
    for (const c of m.values()) total += c;
    byPosition.set(k, new Map([...m].map(([a, c]) => [a, c / total])));
  }
  return tablePolicy(description, byPosition, undefined, onPolicy);
}

/** Uniform over the actions of the log, at every position. */
export function uniformPolicy(rows: readonly LoggedRow[]): EvaluationPolicy {
  const actions = [...new Set(rows.map((r) => r.action))];
  return tablePolicy(`uniform over the ${actions.length} logged actions`, new Map(), new Map(actions.map((a) => [a, 1 / actions.length])));
}

const Probabilities = z.record(z.string(), z.number().min(0).max(1));
const PolicyFile = z.object({
  actions: Probabilities.optional(),
  positions: z.record(z.string().regex(/^[1-9]\d*$/, 'a position is a positive integer'), Probabilities).optional(),
  onPolicy: z.number().finite().optional(),
}).strict().refine((f) => f.actions !== undefined || f.positions !== undefined, 'give "actions" or "positions"');

function distributionOf(record: Record<string, number>, field: string): Distribution {
  const total = Object.values(record).reduce((s, p) => s + p, 0);
  if (Math.abs(total - 1) > 1e-6) throw createError('INVALID_INPUT', { field, problem: `probabilities sum to ${total}, expected 1` });
  return new Map(Object.entries(record).filter(([, p]) => p > 0));
}

export function jsonPolicy(path: string): EvaluationPolicy {
  let value: unknown;
  try {
    value = JSON.parse(readTextFile(path));
  } catch (e) {
    if ((e as { code?: string }).code === 'FILE_NOT_FOUND') throw e;
    throw createError('INVALID_JSON', { where: path, problem: (e as Error).message });
  }
  const parsed = PolicyFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw createError('INVALID_INPUT', { field: `${path}${issue.path.length ? ` ${issue.path.join('.')}` : ''}`, problem: issue.message });
  }
  const f = parsed.data;
  const byPosition = new Map(Object.entries(f.positions ?? {}).map(([k, d]) => [Number(k), distributionOf(d, `${path} positions.${k}`)] as const));
  return tablePolicy(`policy file ${path}`, byPosition, f.actions && distributionOf(f.actions, `${path} actions`), f.onPolicy);
}

/** The policy of a spec (`obd:PATH`, `uniform`, `PATH.json`, `json:PATH`); `rows` is the evaluated log (for `uniform`). */
export function resolvePolicy(spec: string, rows: readonly LoggedRow[]): EvaluationPolicy {
  if (spec === 'uniform') return uniformPolicy(rows);
  if (spec.startsWith('obd:')) {
    const path = spec.slice(4);
    const logged = readObdCsv(path);
    if (logged.length === 0) throw createError('DATASET_EMPTY', { what: `rows in ${path}` });
    return empiricalPolicy(`empirical action distribution per position of ${path}`, logged, meanReward(logged));
  }
  if (spec.startsWith('json:')) return jsonPolicy(spec.slice(5));
  if (spec.endsWith('.json')) return jsonPolicy(spec);
  throw createError('UNKNOWN_OPTION', { kind: 'policy', name: spec, expected: 'obd:PATH, uniform, PATH.json' });
}
