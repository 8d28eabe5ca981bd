/**
 * @module What a client may send the server: item-update messages and nothing else. This is the privacy boundary
 * of the simulation: the server's `receive` takes only an `ItemUpdateMessage`, whose fields are numbers for item
 * rows (and, in the sparse form, item indices), one example weight and the round. There is no field for a user id,
 * the user vector or the client's interactions, and `checkMessage` refuses any object with a key beyond the ones
 * listed here, so extra data cannot ride along at run time either.
 *
 * What each form still reveals is stated with it: the sparse form names the items the client touched (its
 * positives among its sampled negatives; the signs of the bias deltas tell them apart), so it protects the
 * interactions only against a server that does not look; the dense and masked forms carry a value for every item.
 */
import { createError } from '../../core/errors.js';

/** Rows for the items the client touched this round: `items[r]`'s delta is `values[r·width … (r+1)·width)`. */
export interface SparseItemUpdate {
  readonly kind: 'sparse';
  readonly round: number;
  /** Example weight of the client (its number of training examples this round), or 1 under uniform weighting. */
  readonly weight: number;
  readonly items: Int32Array;
  /** Per touched item: f factor deltas, then the bias delta when the model has biases. */
  readonly values: Float32Array;
}

/** The client's raw delta for every item (row-major, `width` values per item; zero rows for untouched items). */
export interface DenseItemUpdate {
  readonly kind: 'dense';
  readonly round: number;
  readonly weight: number;
  readonly values: Float32Array;
}

/**
 * `weight · delta` for every item, then `weight`, in fixed point in Z_{2^48}, plus the pairwise masks of secure
 * aggregation: alone it is uniformly distributed; only the sum over the round's clients means anything.
 */
export interface MaskedItemUpdate {
  readonly kind: 'masked';
  readonly round: number;
  /** The client's slot among the round's participants (an anonymous position, not a user id). */
  readonly slot: number;
  readonly values: Float64Array;
}

export type ItemUpdateMessage = SparseItemUpdate | DenseItemUpdate | MaskedItemUpdate;

const KEYS: Readonly<Record<ItemUpdateMessage['kind'], readonly string[]>> = {
  sparse: ['kind', 'round', 'weight', 'items', 'values'],
  dense: ['kind', 'round', 'weight', 'values'],
  masked: ['kind', 'round', 'slot', 'values'],
};

function bad(problem: string): Error {
  return createError('INVALID_INPUT', { field: 'item update message', problem });
}

/**
 * Throws INVALID_INPUT unless `msg` is exactly one of the message forms for a model of `nItems` items and `width`
 * values per item (f, plus one with a bias): no other keys, arrays of the declared types and lengths, finite values.
 */
export function checkMessage(msg: unknown, nItems: number, width: number): asserts msg is ItemUpdateMessage {
  if (typeof msg !== 'object' || msg === null) throw bad('expected an object');
  const kind = (msg as { kind?: unknown }).kind;
  if (kind !== 'sparse' && kind !== 'dense' && kind !== 'masked') throw bad(`unknown kind ${String(kind)}`);
  const allowed = KEYS[kind];
  const keys = Object.keys(msg);
  const extra = keys.filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw bad(`unexpected field(s) ${extra.join(', ')}: a message carries item updates only`);
  const m = msg as ItemUpdateMessage;
  if (!Number.isInteger(m.round) || m.round < 0) throw bad(`round must be an integer ≥ 0, got ${String(m.round)}`);
  if (m.kind === 'masked') {
    if (!(m.values instanceof Float64Array) || m.values.length !== nItems * width + 1) throw bad(`masked values must be a Float64Array of ${nItems * width + 1}`);
    if (!Number.isInteger(m.slot) || m.slot < 0) throw bad(`slot must be an integer ≥ 0, got ${String(m.slot)}`);
    return;
  }
  if (!(m.weight > 0 && Number.isFinite(m.weight))) throw bad(`weight must be finite and > 0, got ${String(m.weight)}`);
  if (!(m.values instanceof Float32Array)) throw bad('values must be a Float32Array');
  if (m.kind === 'dense') {
    if (m.values.length !== nItems * width) throw bad(`dense values must hold ${nItems * width} numbers, got ${m.values.length}`);
  } else {
    if (!(m.items instanceof Int32Array)) throw bad('items must be an Int32Array');
    if (m.values.length !== m.items.length * width) throw bad(`sparse values must hold ${m.items.length * width} numbers, got ${m.values.length}`);
    for (const i of m.items) if (i < 0 || i >= nItems) throw bad(`item ${i} outside 0…${nItems - 1}`);
  }
  for (const v of m.values) if (!Number.isFinite(v)) throw bad('values must be finite');
}

/**
 * Bytes on the wire: float32 deltas and int32 item indices (sparse), float32 deltas (dense), or one 8-byte carrier
 * per 48-bit ring element (masked; 6 bytes packed), plus 4 bytes for the weight of the unmasked forms.
 */
export function messageBytes(msg: ItemUpdateMessage): number {
  switch (msg.kind) {
    case 'sparse':
      return 4 * msg.items.length + 4 * msg.values.length + 4;
    case 'dense':
      return 4 * msg.values.length + 4;
    case 'masked':
      return 8 * msg.values.length;
  }
}
