/**
 * @module Rewards of the exploration policy from ingested events: an event on a post the policy placed on a page
 * served to that user, within `feed.exploration.rewardWindowSeconds`, is its reward — 1 for an engagement (an
 * event type of positive weight in `weights`: like, share, comment, a positive rating, dwell), 0 for a rejection
 * (negative weight: hide, report). Views and zero-weight events say nothing and leave the decision waiting.
 */
import type { ResonateConfig } from '../core/config.js';
import { eventWeight } from '../data/dataset-builder.js';
import type { Event } from '../data/schemas.js';
import type { Explorer } from '../feed/explorer.js';

/** The reward an event gives, or undefined when it says nothing about the post's appeal. */
export function rewardOf(e: Event, weights: ResonateConfig['weights']): number | undefined {
  if (e.post === undefined || e.type === 'view') return undefined;
  const w = eventWeight(e, weights);
  return w > 0 ? 1 : w < 0 ? 0 : undefined;
}

/** Feeds newly stored events to the explorer; returns how many rewarded a decision. */
export function explorationFeedback(events: readonly Event[], explorer: Explorer, weights: ResonateConfig['weights']): number {
  let learned = 0;
  for (const e of events) {
    const r = rewardOf(e, weights);
    if (r !== undefined && explorer.feedback(e.user, e.post!, r)) learned++;
  }
  return learned;
}
