/**
 * @module What every hybrid shares: the schema of a member (a registered model id, its parameters and a weight),
 * building and fitting the members, and saving / loading them inside the hybrid's artifact (each member's tensors under
 * `m<j>.`, its kind, version, params and state in `state.members`).
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import type { TensorMap } from '../../nn/safetensors.js';
import type { FitOptions, Recommender } from '../recommender.js';
import { createModel, loadModel } from '../registry.js';
import { fitMember } from './fit-cache.js';

export const memberSchema = z
  .object({
    id: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
    /** Weight of the member in the blend (0 switches it off without changing the member list). */
    weight: z.number().min(0).default(1),
  })
  .strict();

export type Member = z.output<typeof memberSchema>;

/** Unfitted members (throws on an unknown id or bad member params). */
export function createMembers(members: readonly Member[]): Recommender[] {
  return members.map((m) => createModel(m.id, m.params));
}

/**
 * Fits fresh members in order (through the tuning fit cache, see fit-cache.ts), reporting progress as member j of
 * n; members for which `skip(j)` holds are built but not fitted (a score-fusion member with weight 0 casts no vote).
 */
export async function fitMembers(
  owner: string,
  specs: readonly Member[],
  data: Dataset,
  options: FitOptions,
  skip: (j: number) => boolean = () => false,
): Promise<Recommender[]> {
  const progress = options.progress ?? (() => {});
  const n = specs.length;
  const fresh = createMembers(specs);
  for (let j = 0; j < n; j++) {
    throwIfAborted(options.signal, owner);
    if (skip(j)) continue;
    fresh[j] = await fitMember(fresh[j]!, specs[j]!.params, data, { ...options, progress: (d, t, label) => progress(j + (t > 0 ? d / t : 0), n, `${specs[j]!.id} ${label ?? ''}`.trim()) });
  }
  progress(n, n, 'done');
  return fresh;
}

/** Adds each member's tensors to `tensors` (prefixed `m<j>.`) and returns what `state.members` records. */
export function saveMembers(members: readonly Recommender[], tensors: TensorMap): Record<string, unknown>[] {
  return members.map((m, j) => {
    const a = m.save();
    for (const [name, t] of Object.entries(a.tensors)) tensors[`m${j}.${name}`] = t;
    return { kind: a.kind, version: a.version, params: a.params, state: a.state, tensors: Object.keys(a.tensors) };
  });
}

/** Rebuilds `count` fitted members from `state.members` and the prefixed tensors, or ARTIFACT_INVALID. */
export function loadMembers(saved: unknown, tensors: TensorMap, count: number, where: string): Recommender[] {
  if (!Array.isArray(saved) || saved.length !== count) throw createError('ARTIFACT_INVALID', { path: where, problem: 'state.members does not match params.members' });
  return saved.map((s: unknown, j) => {
    const e = s as { kind?: unknown; version?: unknown; params?: unknown; state?: unknown; tensors?: unknown };
    if (typeof e.kind !== 'string' || typeof e.version !== 'number' || !Array.isArray(e.tensors)) throw createError('ARTIFACT_INVALID', { path: where, problem: `state.members[${j}] is malformed` });
    const own: TensorMap = {};
    for (const name of e.tensors as unknown[]) {
      const t = tensors[`m${j}.${String(name)}`];
      if (!t) throw createError('ARTIFACT_INVALID', { path: where, problem: `missing tensor m${j}.${String(name)}` });
      own[String(name)] = t;
    }
    return loadModel({ kind: e.kind, version: e.version, params: (e.params ?? {}) as Record<string, unknown>, state: (e.state ?? {}) as Record<string, unknown>, tensors: own }, `${where} member ${j}`);
  });
}

/** Item similarity from the first member that defines it, or INVALID_INPUT naming the hybrid. */
export function similarItemsOfMembers(owner: string, members: readonly Recommender[], item: number, k: number): ReturnType<Recommender['similarItems']> {
  for (const m of members) {
    try {
      return m.similarItems(item, k);
    } catch {
      // no item similarity in this member: ask the next
    }
  }
  throw createError('INVALID_INPUT', { field: 'similarItems', problem: `no member of ${owner} defines item similarity` });
}
