/**
 * @module `app.bsky.feed.sendInteractions`: what a user did with the items of a served feed, written as Resonate
 * events of that user (their DID). Each interaction becomes one event whose id is a hash of (user, item, event,
 * request), so a resent batch is stored once; its `request_id` is the `reqId` (or the one its `feedContext`
 * names), which joins it to the logged impression. `requestLess` ("show less like this") is negative feedback
 * (`hide`); `requestMore` is a `like`. Items this service does not know and unknown event kinds are counted and
 * skipped.
 */
import { createHash } from 'node:crypto';
import type { EventType } from '../core/config.js';
import type { Engine } from '../engine/index.js';
import { postIdOf } from './at-ids.js';
import { parseFeedContext } from './skeleton.js';

const EVENTS: Readonly<Record<string, { type: EventType; value?: number }>> = {
  'app.bsky.feed.defs#requestLess': { type: 'hide' },
  'app.bsky.feed.defs#requestMore': { type: 'like' },
  'app.bsky.feed.defs#interactionSeen': { type: 'view' },
  'app.bsky.feed.defs#interactionLike': { type: 'like' },
  'app.bsky.feed.defs#interactionReply': { type: 'comment' },
  'app.bsky.feed.defs#interactionQuote': { type: 'comment' },
  'app.bsky.feed.defs#interactionRepost': { type: 'share' },
  'app.bsky.feed.defs#interactionShare': { type: 'share' },
  'app.bsky.feed.defs#clickthroughItem': { type: 'dwell', value: 1 },
  'app.bsky.feed.defs#clickthroughEmbed': { type: 'dwell', value: 1 },
  'app.bsky.feed.defs#clickthroughAuthor': { type: 'view' },
  'app.bsky.feed.defs#clickthroughReposter': { type: 'view' },
};

export interface Interaction {
  item?: string;
  event?: string;
  feedContext?: string;
  reqId?: string;
}

export interface InteractionEvent {
  id: string;
  user: string;
  type: EventType;
  post: string;
  timestamp: number;
  value?: number;
  request_id?: string;
}

export interface InteractionSummary {
  /** Events stored (new or already there). */
  recorded: number;
  /** Interactions with an unknown event kind or without an item. */
  unknownEvents: number;
  /** Interactions on posts this service does not hold. */
  unknownItems: number;
}

/** The Resonate event of one interaction; undefined when its kind is not one this service records. */
export function interactionEvent(user: string, x: Interaction, publisherDid: string, at: number): InteractionEvent | undefined {
  const kind = x.event === undefined ? undefined : EVENTS[x.event];
  if (!kind || x.item === undefined) return undefined;
  const reqId = x.reqId ?? parseFeedContext(x.feedContext)?.reqId;
  const id = createHash('sha256').update(JSON.stringify([user, x.item, x.event, reqId ?? null])).digest('base64url').slice(0, 32);
  return {
    id: `bsky:${id}`, user, type: kind.type, post: postIdOf(x.item, publisherDid), timestamp: at,
    ...(kind.value !== undefined ? { value: kind.value } : {}), ...(reqId !== undefined ? { request_id: reqId } : {}),
  };
}

/** Writes a requester's interactions (their user row first, when new) in one batch of events. */
export async function recordInteractions(engine: Engine, user: string, interactions: readonly Interaction[], publisherDid: string, now = Date.now()): Promise<InteractionSummary> {
  const events = interactions.map((x) => interactionEvent(user, x, publisherDid, now));
  const known = events.filter((e): e is InteractionEvent => e !== undefined);
  const existing = await engine.store.existingPosts([...new Set(known.map((e) => e.post))]);
  const rows = known.filter((e) => existing.has(e.post));
  if (rows.length > 0) {
    if ((await engine.store.existingUsers([user])).size === 0) await engine.ingest('users', [{ id: user }]);
    await engine.ingest('events', rows);
  }
  return { recorded: rows.length, unknownEvents: events.length - known.length, unknownItems: known.length - rows.length };
}
