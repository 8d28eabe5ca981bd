/**
 * @module Saving a Dataset beside the models fitted on it, so a saved model version serves without rebuilding
 * the snapshot from the store: the models' dense indices refer to this snapshot's id maps, not to whatever the
 * store holds today. Arrays are safetensors tensors; id maps, texts and tags are JSON metadata.
 */
import { IdMap } from '../core/id-map.js';
import { createError } from '../core/errors.js';
import type { Csr } from '../math/csr.js';
import { loadSafetensors, saveSafetensors, type TensorArray, type TensorMap } from '../nn/safetensors.js';
import type { Dataset } from './dataset.js';

const FORMAT = 'resonate-dataset';
const VERSION = '1';

function tensor(data: TensorArray): TensorMap[string] {
  return { shape: [data.length], data };
}

function csrTensors(prefix: string, m: Csr, out: TensorMap): void {
  out[`${prefix}.indptr`] = tensor(m.indptr);
  out[`${prefix}.indices`] = tensor(m.indices);
  out[`${prefix}.data`] = tensor(m.data);
}

export function saveDataset(data: Dataset, path: string): void {
  const t: TensorMap = {};
  csrTensors('interactions', data.interactions, t);
  csrTensors('negatives', data.negatives, t);
  csrTensors('follows', data.follows, t);
  t.interactionTimes = tensor(data.interactionTimes);
  t['log.user'] = tensor(data.log.user);
  t['log.item'] = tensor(data.log.item);
  t['log.type'] = tensor(data.log.type);
  t['log.weight'] = tensor(data.log.weight);
  t['log.time'] = tensor(data.log.time);
  t.itemAuthors = tensor(data.itemAuthors);
  t.itemCreatedAt = tensor(data.itemCreatedAt);
  if (data.itemSignals) {
    t['signals.sentiment'] = tensor(data.itemSignals.sentiment);
    t['signals.offensive'] = tensor(data.itemSignals.offensive);
  }
  const vectorDims: Record<string, number> = {};
  for (const [name, v] of Object.entries(data.itemVectors ?? {})) {
    vectorDims[name] = v.dim;
    t[`vectors.${name}.values`] = tensor(v.values);
    t[`vectors.${name}.present`] = tensor(v.present);
  }
  saveSafetensors(path, t, {
    format: FORMAT,
    version: VERSION,
    users: JSON.stringify(data.users.toJSON()),
    items: JSON.stringify(data.items.toJSON()),
    itemTexts: JSON.stringify(data.itemTexts),
    itemTags: JSON.stringify(data.itemTags),
    ...(data.itemLangs ? { itemLangs: JSON.stringify(data.itemLangs) } : {}),
    vectorDims: JSON.stringify(vectorDims),
    shape: JSON.stringify({ interactions: [data.interactions.rows, data.interactions.cols], negatives: [data.negatives.rows, data.negatives.cols], follows: [data.follows.rows, data.follows.cols] }),
    now: String(data.now),
  });
}

/** Reads a file written by saveDataset; ARTIFACT_INVALID when it is not one or is damaged. */
export function loadDataset(path: string): Dataset {
  const { tensors, metadata } = loadSafetensors(path);
  if (metadata.format !== FORMAT || metadata.version !== VERSION) {
    throw createError('ARTIFACT_INVALID', { path, problem: `not a Resonate dataset of version ${VERSION}` });
  }
  const arr = <T extends TensorArray>(name: string, ctor: new (...a: never[]) => T): T => {
    const e = tensors[name];
    if (!e || !(e.data instanceof ctor)) throw createError('ARTIFACT_INVALID', { path, problem: `missing or mistyped tensor ${name}` });
    return e.data as T;
  };
  try {
    const shape = JSON.parse(metadata.shape ?? '{}') as Record<'interactions' | 'negatives' | 'follows', [number, number]>;
    const csr = (prefix: 'interactions' | 'negatives' | 'follows'): Csr => {
      const [rows, cols] = shape[prefix];
      const m: Csr = { rows, cols, indptr: arr(`${prefix}.indptr`, Int32Array), indices: arr(`${prefix}.indices`, Int32Array), data: arr(`${prefix}.data`, Float32Array) };
      if (m.indptr.length !== rows + 1 || m.indptr[rows] !== m.indices.length || m.data.length !== m.indices.length) {
        throw createError('ARTIFACT_INVALID', { path, problem: `${prefix} is not a consistent sparse matrix` });
      }
      return m;
    };
    const users = IdMap.fromJSON(JSON.parse(metadata.users ?? '[]') as string[]);
    const items = IdMap.fromJSON(JSON.parse(metadata.items ?? '[]') as string[]);
    const data: Dataset = {
      users,
      items,
      interactions: csr('interactions'),
      interactionTimes: arr('interactionTimes', Float64Array),
      negatives: csr('negatives'),
      follows: csr('follows'),
      log: { user: arr('log.user', Int32Array), item: arr('log.item', Int32Array), type: arr('log.type', Uint8Array), weight: arr('log.weight', Float32Array), time: arr('log.time', Float64Array) },
      itemTexts: JSON.parse(metadata.itemTexts ?? '[]') as string[],
      itemTags: JSON.parse(metadata.itemTags ?? '[]') as string[][],
      itemAuthors: arr('itemAuthors', Int32Array),
      itemCreatedAt: arr('itemCreatedAt', Float64Array),
      ...(metadata.itemLangs !== undefined ? { itemLangs: JSON.parse(metadata.itemLangs) as (string | null)[] } : {}),
      itemVectors: Object.fromEntries(Object.entries(JSON.parse(metadata.vectorDims ?? '{}') as Record<string, number>).map(([name, dim]) => {
        const values = arr(`vectors.${name}.values`, Float32Array), present = arr(`vectors.${name}.present`, Uint8Array);
        if (values.length !== items.size * dim || present.length !== items.size) throw createError('ARTIFACT_INVALID', { path, problem: `vector ${name} does not match the item map` });
        return [name, { dim, values, present }];
      })),
      ...(tensors['signals.sentiment'] ? { itemSignals: { sentiment: arr('signals.sentiment', Float32Array), offensive: arr('signals.offensive', Float32Array) } } : {}),
      now: Number(metadata.now),
    };
    if (data.itemTexts.length !== items.size || data.itemAuthors.length !== items.size || data.interactions.rows > users.size) {
      throw createError('ARTIFACT_INVALID', { path, problem: 'per-item arrays do not match the item map' });
    }
    return data;
  } catch (e) {
    if (e instanceof SyntaxError) throw createError('ARTIFACT_INVALID', { path, problem: 'metadata is not valid JSON' });
    throw e;
  }
}
