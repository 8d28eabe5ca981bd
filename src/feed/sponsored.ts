/**
 * @module Sponsored slots, the blender's pure parts: where slots are on a page, which neighbours make a slot unsafe,
 * who a campaign targets, the generalized second-price auction that fills a slot, even pacing of a daily budget,
 * and the insertion of the winners into the page.
 *
 * Slots sit before organic positions `firstPosition + k·spacing` of the user's list (organic positions: the cursor
 * counts organic posts only), so two sponsored posts always have exactly `spacing` organic posts between them,
 * across pages too. Organic posts keep their order: a sponsored post is inserted, never substituted.
 *
 * Auction (Edelman, Ostrovsky & Schwarz 2007, one slot): each eligible campaign's eCPM is bid × pCTR; the highest
 * wins and pays per click price = max(reserve, eCPM of the next bidder / its own pCTR), never above its bid. Each
 * impression is charged its expected cost, price × pCTR, so spend is known before the post is served and a later
 * click can never take a campaign over its budget.
 */
import type { ResonateConfig } from '../core/config.js';
import type { Campaign, CampaignTargeting } from '../data/campaigns.js';
import type { Post } from '../data/schemas.js';
import type { HydratedItem, SponsoredLabel } from './types.js';

export type SponsoredConfig = ResonateConfig['sponsored'];

/** The source name of a sponsored item. */
export const SPONSORED_SOURCE = 'sponsored';

/** A campaign that may fill a slot, with its predicted click probability for this viewer. */
export interface AdCandidate {
  campaignId: string;
  postId: string;
  bid: number;
  pCtr: number;
  /** Why the viewer is in its audience (shown on the item). */
  reason: string;
}

export interface AuctionResult {
  winner: AdCandidate;
  /** Price per click (GSP). */
  price: number;
  /** Charged for the impression: price × winner.pCtr. */
  cost: number;
}

/** eCPM of a candidate (expected value of the impression): bid × pCTR. */
export function ecpm(c: Pick<AdCandidate, 'bid' | 'pCtr'>): number {
  return c.bid * c.pCtr;
}

/**
 * One-slot GSP auction over candidates (those bidding below the reserve, or with no click probability, left out):
 * highest eCPM wins (ties by campaign id), price = max(reserve, next eCPM / winner pCTR) capped at the winner's bid.
 */
export function runAuction(candidates: readonly AdCandidate[], reservePrice: number): AuctionResult | undefined {
  const ranked = candidates
    .filter((c) => c.bid >= reservePrice && c.pCtr > 0 && Number.isFinite(c.bid))
    .sort((a, b) => ecpm(b) - ecpm(a) || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));
  const winner = ranked[0];
  if (!winner) return undefined;
  const next = ranked[1];
  const price = Math.min(winner.bid, Math.max(reservePrice, next ? ecpm(next) / winner.pCtr : reservePrice));
  return { winner, price, cost: price * winner.pCtr };
}

/** Indices into a page's organic items before which a slot sits (the page starts at organic position `offset`). */
export function slotIndices(offset: number, count: number, cfg: Pick<SponsoredConfig, 'firstPosition' | 'spacing'>): number[] {
  const out: number[] = [];
  let g = cfg.firstPosition;
  if (offset > g) g += Math.ceil((offset - g) / cfg.spacing) * cfg.spacing;
  for (; g < offset + count; g += cfg.spacing) out.push(g - offset);
  return out;
}

/** Whether the sentiment or moderation signals mark a post unsafe to show an ad beside (or as one). */
export function isUnsafe(post: Pick<Post, 'features'>, cfg: Pick<SponsoredConfig, 'unsafeOffensiveAbove' | 'unsafeSentimentBelow'>): boolean {
  const f = post.features;
  if (!f) return false;
  const offensive = f.offensive, score = f.sentiment_score;
  return (typeof offensive === 'number' && offensive > cfg.unsafeOffensiveAbove) || (typeof score === 'number' && score < cfg.unsafeSentimentBelow);
}

/** Slots whose neighbours on the page (the organic posts before and after) are both safe. */
export function safeSlots(items: readonly Pick<HydratedItem, 'post'>[], slots: readonly number[], cfg: Pick<SponsoredConfig, 'unsafeOffensiveAbove' | 'unsafeSentimentBelow'>): number[] {
  return slots.filter((s) => {
    const before = items[s - 1], after = items[s];
    return !(before && isUnsafe(before.post, cfg)) && !(after && isUnsafe(after.post, cfg));
  });
}

/** What a viewer is interested in: hashtags (lower case, no '#') and words of posts they engaged with or are shown. */
export interface ViewerTerms {
  tags: ReadonlySet<string>;
  words: ReadonlySet<string>;
}

export function textWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function viewerTerms(posts: readonly { text: string; tags: readonly string[] }[]): ViewerTerms {
  const tags = new Set<string>(), words = new Set<string>();
  for (const p of posts) {
    for (const t of p.tags) tags.add(t.replace(/^#/, '').toLowerCase());
    for (const w of textWords(p.text)) words.add(w);
  }
  return { tags, words };
}

/** Why the viewer is in the campaign's audience, or undefined when they are not (empty targeting: everyone). */
export function targetingReason(t: CampaignTargeting, viewer: ViewerTerms): string | undefined {
  if (t.hashtags.length === 0 && t.topics.length === 0) return 'shown to everyone';
  const tag = t.hashtags.find((h) => viewer.tags.has(h));
  if (tag !== undefined) return `you follow posts tagged #${tag}`;
  const topic = t.topics.find((w) => viewer.words.has(w));
  return topic !== undefined ? `you read about ${topic}` : undefined;
}

/** Whether a campaign may serve at `now`: active and inside its schedule. */
export function isLive(c: Pick<Campaign, 'status' | 'startAt' | 'endAt'>, now: number): boolean {
  return c.status === 'active' && c.startAt <= now && (c.endAt === null || now < c.endAt);
}

const DAY_MS = 86_400_000;

/**
 * Even pacing: what a campaign may have spent by `now` — dailyBudget × (elapsed fraction of the UTC day + slack),
 * never more than the budget.
 */
export function pacedSpend(dailyBudget: number, now: number, slack: number): number {
  const elapsed = (now - Math.floor(now / DAY_MS) * DAY_MS) / DAY_MS;
  return Math.min(dailyBudget, dailyBudget * (elapsed + slack));
}

/** A sponsored item placed on the page. */
export interface PlacedAd {
  /** Index into the organic items before which it goes. */
  slot: number;
  post: Post;
  label: SponsoredLabel;
}

/** The page with its sponsored items inserted (organic order unchanged); each labelled and explained. */
export function insertAds(items: readonly HydratedItem[], ads: readonly PlacedAd[]): HydratedItem[] {
  if (ads.length === 0) return [...items];
  const bySlot = new Map(ads.map((a) => [a.slot, a]));
  const out: HydratedItem[] = [];
  for (let i = 0; i <= items.length; i++) {
    const ad = bySlot.get(i);
    if (ad) {
      out.push({ postId: ad.post.id, score: 0, source: SPONSORED_SOURCE, sources: [SPONSORED_SOURCE], explanation: `Sponsored: ${ad.label.reason}`, post: ad.post, sponsored: ad.label });
    }
    if (i < items.length) out.push(items[i]!);
  }
  return out;
}
