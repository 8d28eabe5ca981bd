/**
 * @module Training checkpoints of the neural recommenders: tensors (weights and optimizer moments) plus JSON
 * progress (epoch, best validation score, step count) in one safetensors file, written atomically. A
 * checkpoint is resumed only when its fingerprint (model id, hyperparameters, data shape and content hash,
 * seed) matches the run; anything else is ignored and training starts afresh.
 */
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Csr } from '../../math/csr.js';
import { encodeSafetensors, loadSafetensors, writeFileAtomic, type TensorMap } from '../../nn/safetensors.js';

export interface Checkpoint {
  readonly tensors: TensorMap;
  readonly state: Record<string, unknown>;
}

/** Params that do not change the trajectory of a run: a longer budget or patience may resume a checkpoint. */
const RESUMABLE = new Set(['checkpointPath', 'epochs', 'patience']);

/** sha256 over what defines a run: model id, params (budget and checkpoint fields excluded), seed and the data. */
export function runFingerprint(modelId: string, params: Record<string, unknown>, seed: number, ...mats: Csr[]): string {
  const h = createHash('sha256');
  const rest = Object.fromEntries(Object.entries(params).filter(([k]) => !RESUMABLE.has(k)));
  h.update(modelId).update(JSON.stringify(rest)).update(String(seed));
  for (const m of mats) {
    h.update(`${m.rows}x${m.cols}`);
    h.update(new Uint8Array(m.indptr.buffer, m.indptr.byteOffset, m.indptr.byteLength));
    h.update(new Uint8Array(m.indices.buffer, m.indices.byteOffset, m.indices.byteLength));
  }
  return h.digest('hex');
}

export function saveCheckpoint(path: string, fingerprint: string, cp: Checkpoint): void {
  writeFileAtomic(path, encodeSafetensors(cp.tensors, { format: 'resonate-checkpoint', fingerprint, state: JSON.stringify(cp.state) }));
}

/** The checkpoint at `path` when it exists and belongs to this run; otherwise undefined. */
export function loadCheckpoint(path: string | undefined, fingerprint: string): Checkpoint | undefined {
  if (!path || !existsSync(path)) return undefined;
  try {
    const { tensors, metadata } = loadSafetensors(path);
    if (metadata.format !== 'resonate-checkpoint' || metadata.fingerprint !== fingerprint) return undefined;
    return { tensors, state: JSON.parse(metadata.state ?? '{}') as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
