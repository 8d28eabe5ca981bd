import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config.js';
import type { Post } from '../data/schemas.js';
import { insertAds, isLive, isUnsafe, pacedSpend, runAuction, safeSlots, slotIndices, targetingReason, viewerTerms, type AdCandidate } from './sponsored.js';
import type { HydratedItem } from './types.js';

const cfg = DEFAULT_CONFIG.sponsored;
const ad = (campaignId: string, bid: number, pCtr: number): AdCandidate => ({ campaignId, postId: `post-${campaignId}`, bid, pCtr, reason: 'r' });
const item = (id: string, features?: Post['features']): HydratedItem => ({ postId: id, score: 1, source: 's', sources: ['s'], explanation: 'e', post: { id, author: 'a', text: '', created_at: 0, tags: [], ...(features ? { features } : {}) } });

describe('GSP auction', () => {
  it('prices the winner at the next eCPM over its own pCTR (hand-computed)', () => {
    // eCPMs: A 2.0 × 0.05 = 0.10, B 1.0 × 0.08 = 0.08, C 3.0 × 0.02 = 0.06 → A wins, pays 0.08 / 0.05 = 1.6 per click.
    const r = runAuction([ad('B', 1, 0.08), ad('A', 2, 0.05), ad('C', 3, 0.02)], 0.01)!;
    expect(r.winner.campaignId).toBe('A');
    expect(r.price).toBeCloseTo(1.6, 12);
    expect(r.cost).toBeCloseTo(0.08, 12);
  });

  it('charges at least the reserve, never more than the bid; bids under the reserve do not compete', () => {
    // Alone: the reserve.
    expect(runAuction([ad('A', 2, 0.05)], 0.3)!.price).toBe(0.3);
    // Next eCPM / pCTR = 0.049 / 0.05 = 0.98 < reserve 1.2 → 1.2.
    expect(runAuction([ad('A', 2, 0.05), ad('B', 0.98, 0.05)], 1.2)!.winner.campaignId).toBe('A');
    expect(runAuction([ad('A', 2, 0.05), ad('B', 0.98, 0.05)], 1.2)!.price).toBe(1.2);
    expect(runAuction([ad('A', 0.5, 0.05)], 1)).toBeUndefined();
    // A tie in eCPM: the price equals the bid (never above it).
    const tie = runAuction([ad('A', 1, 0.1), ad('B', 2, 0.05)], 0)!;
    expect(tie.winner.campaignId).toBe('A');
    expect(tie.price).toBeCloseTo(1, 12);
  });
});

describe('slots', () => {
  it('first position then every `spacing` organic posts, across pages', () => {
    const c = { firstPosition: 3, spacing: 8 };
    expect(slotIndices(0, 20, c)).toEqual([3, 11, 19]);
    // Second page of 20 starts at organic 20: next slots at 27, 35 → indices 7, 15.
    expect(slotIndices(20, 20, c)).toEqual([7, 15]);
    expect(slotIndices(0, 3, c)).toEqual([]);
    // Every pair of consecutive slots (all pages together) has exactly `spacing` organic posts between them.
    const global = [0, 20, 40, 60].flatMap((o) => slotIndices(o, 20, c).map((s) => s + o));
    for (let k = 1; k < global.length; k++) expect(global[k]! - global[k - 1]!).toBe(8);
    expect(global[0]).toBe(3);
  });

  it('drops a slot whose neighbour is unsafe (offensive or very negative sentiment)', () => {
    const items = [item('a'), item('b', { offensive: 0.9 }), item('c'), item('d', { sentiment_score: -0.8, sentiment: 'negative' }), item('e'), item('f'), item('g')];
    // Slot 1 sits between a and b (offensive), 2 between b and c, 4 between d and e, 6 between f and g.
    expect(safeSlots(items, [1, 2, 4, 6], cfg)).toEqual([6]);
    expect(isUnsafe(item('x', { sentiment_score: -0.2 }).post, cfg)).toBe(false);
  });
});

describe('targeting, schedule, pacing, labels', () => {
  it('matches hashtags first, then topic words; empty targeting reaches everyone', () => {
    const terms = viewerTerms([{ text: 'Late night JAZZ session', tags: ['#Music'] }]);
    expect(targetingReason({ topics: [], hashtags: ['music'] }, terms)).toBe('you follow posts tagged #music');
    expect(targetingReason({ topics: ['jazz'], hashtags: ['sport'] }, terms)).toBe('you read about jazz');
    expect(targetingReason({ topics: ['golf'], hashtags: ['sport'] }, terms)).toBeUndefined();
    expect(targetingReason({ topics: [], hashtags: [] }, terms)).toBe('shown to everyone');
  });

  it('live only while active and inside the schedule', () => {
    expect(isLive({ status: 'active', startAt: 10, endAt: 20 }, 15)).toBe(true);
    expect(isLive({ status: 'active', startAt: 10, endAt: 20 }, 20)).toBe(false);
    expect(isLive({ status: 'paused', startAt: 10, endAt: null }, 15)).toBe(false);
    expect(isLive({ status: 'active', startAt: 10, endAt: null }, 5)).toBe(false);
  });

  it('paces spend to the elapsed fraction of the UTC day plus slack, capped at the budget', () => {
    const day = Date.UTC(2026, 0, 1);
    expect(pacedSpend(100, day, 0.05)).toBeCloseTo(5, 9);
    expect(pacedSpend(100, day + 6 * 3_600_000, 0.05)).toBeCloseTo(30, 9);
    expect(pacedSpend(100, day + 23.9 * 3_600_000, 0.05)).toBe(100);
  });

  it('inserts sponsored items labelled with campaign and reason, organic order unchanged', () => {
    const organic = ['a', 'b', 'c', 'd'].map((id) => item(id));
    const out = insertAds(organic, [{ slot: 2, post: item('ad').post, label: { campaign: 'c1', reason: 'shown to everyone' } }]);
    expect(out.map((i) => i.postId)).toEqual(['a', 'b', 'ad', 'c', 'd']);
    expect(out[2]).toMatchObject({ source: 'sponsored', explanation: 'Sponsored: shown to everyone', sponsored: { campaign: 'c1', reason: 'shown to everyone' } });
    expect(out.filter((i) => !i.sponsored)).toEqual(organic);
  });
});
