/**
 * @module Data fingerprint: sha256 over the interaction arrays (shape, CSR indptr/indices/values and the
 * per-pair times), so a report names exactly the data it measured.
 */
import { createHash } from 'node:crypto';
import type { Dataset } from '../data/dataset.js';

export function dataFingerprint(data: Pick<Dataset, 'interactions' | 'interactionTimes'>): string {
  const m = data.interactions;
  const h = createHash('sha256');
  h.update(new Uint8Array(Int32Array.from([m.rows, m.cols]).buffer));
  for (const a of [m.indptr, m.indices, m.data, data.interactionTimes.subarray(0, m.indices.length)]) {
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex');
}
