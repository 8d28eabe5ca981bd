/**
 * @module Event ids reused with other content. Events are deduplicated by their client-supplied id: a retry that
 * repeats an event is ignored (idempotent), but an id already stored for another fact (another user, type, post,
 * target user or value) is refused with EVENT_ID_CONFLICT naming the ids, so a client whose ids collide with
 * someone else's learns it instead of losing its events. Time, text and request id may differ on a retry (a
 * client that re-stamps a retried event still means the same event); the stored row is kept.
 */
import { createError, type ResonateError } from '../core/errors.js';
import type { Event } from '../data/schemas.js';

/** Ids listed in the error message; the count says how many there were. */
const LISTED_IDS = 20;

/** Whether two events with the same id state the same fact (user, type, post, target user, value). */
export function sameEventFact(a: Event, b: Event): boolean {
  return a.user === b.user && a.type === b.type && a.post === b.post && a.target_user === b.target_user && a.value === b.value;
}

/** The ids of `batch` whose stored event (same id) states another fact, in batch order, each once. */
export function conflictingEventIds(batch: readonly Event[], stored: readonly Event[]): string[] {
  const byId = new Map(stored.map((e) => [e.id, e]));
  const out: string[] = [];
  for (const e of batch) {
    const s = byId.get(e.id);
    if (s !== undefined && !sameEventFact(s, e)) {
      out.push(e.id);
      byId.delete(e.id);
    }
  }
  return out;
}

/** EVENT_ID_CONFLICT for these ids (the first LISTED_IDS listed; `ids` holds them joined by commas). */
export function eventIdConflict(ids: readonly string[]): ResonateError {
  const listed = ids.slice(0, LISTED_IDS).map((id) => JSON.stringify(id)).join(', ') + (ids.length > LISTED_IDS ? ', …' : '');
  return createError('EVENT_ID_CONFLICT', { count: ids.length, listed, ids: ids.join(',') });
}
