/**
 * @module Jetstream frames (https://github.com/bluesky-social/jetstream, JSON over WebSocket): a commit
 * (create / update / delete of one record of one repository), an identity or an account event, each with the
 * `time_us` cursor of the stream. `parseFrame` checks the shape and says why a frame is skipped.
 */

export type Operation = 'create' | 'update' | 'delete';

export interface CommitEvent {
  kind: 'commit';
  did: string;
  time_us: number;
  commit: { operation: Operation; collection: string; rkey: string; record?: Record<string, unknown> };
}

export interface OtherEvent {
  kind: 'identity' | 'account';
  did: string;
  time_us: number;
}

export type JetstreamEvent = CommitEvent | OtherEvent;

export type ParsedFrame = { ok: true; event: JetstreamEvent } | { ok: false; reason: 'malformed' };

const DID = /^did:[a-z]+:[A-Za-z0-9._:%-]{1,2048}$/;
const RKEY = /^[A-Za-z0-9._~:-]{1,512}$/;
const NSID = /^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+){2,}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function parseFrame(data: string): ParsedFrame {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isObject(v) || typeof v.did !== 'string' || !DID.test(v.did) || !Number.isSafeInteger(v.time_us) || (v.time_us as number) < 0) return { ok: false, reason: 'malformed' };
  const base = { did: v.did, time_us: v.time_us as number };
  if (v.kind === 'identity' || v.kind === 'account') return { ok: true, event: { kind: v.kind, ...base } };
  if (v.kind !== 'commit' || !isObject(v.commit)) return { ok: false, reason: 'malformed' };
  const c = v.commit;
  const op = c.operation;
  if ((op !== 'create' && op !== 'update' && op !== 'delete') || typeof c.collection !== 'string' || !NSID.test(c.collection) || typeof c.rkey !== 'string' || !RKEY.test(c.rkey)) {
    return { ok: false, reason: 'malformed' };
  }
  if (op !== 'delete' && !isObject(c.record)) return { ok: false, reason: 'malformed' };
  return { ok: true, event: { kind: 'commit', ...base, commit: { operation: op, collection: c.collection, rkey: c.rkey, ...(isObject(c.record) ? { record: c.record } : {}) } } };
}
