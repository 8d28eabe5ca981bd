/**
 * @module Sponsored slots as served: the engine's blender step after a page is ranked, capped and filtered for its
 * viewer. It keeps the live campaigns (read from the store, refreshed every 30 s and after an admin change), the
 * delivery ledger of the UTC day per campaign and the frequency counts per viewer, fills the page's slots by
 * auction (src/feed/sponsored.ts), and records each sponsored impression before the page is returned.
 *
 * Caps and budgets hold under concurrent requests within one process: every await (store reads) happens before
 * the reservation, and the reservation — check the cap, the paced budget, then add to the ledger — runs without
 * an await in between, so two requests cannot both take the last unit. A store write that fails gives the
 * reservation back and serves the page without sponsored posts. Several processes each keep their own ledger
 * (they share the store's counters only at the start of a day).
 *
 * Click probability: the engagement ranker's heads, 1 − (1 − P(like))(1 − P(share))(1 − P(comment)), for a
 * creative in the serving snapshot and a viewer it knows; otherwise (ranker not trained yet, a creative newer
 * than the snapshot) the campaign's smoothed CTR, (clicks + a·prior) / (impressions + a).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import { utcDay, type Campaign, type SponsoredImpression } from '../data/campaigns.js';
import type { Dataset } from '../data/dataset.js';
import type { Event, Post } from '../data/schemas.js';
import { hidesPost, type SafetyRules } from '../feed/safety.js';
import { insertAds, isLive, isUnsafe, pacedSpend, runAuction, safeSlots, slotIndices, targetingReason, viewerTerms, type AdCandidate, type PlacedAd, type SponsoredConfig } from '../feed/sponsored.js';
import type { FeedPage } from '../feed/types.js';
import type { EngagementRanker } from '../models/ranker/index.js';
import type { Store } from '../storage/store.js';

/** Engagement that counts as a click on a sponsored post. */
export const CLICK_TYPES: ReadonlySet<Event['type']> = new Set(['like', 'share', 'comment']);
const CAMPAIGNS_TTL_MS = 30_000;
/** Sponsored (request, post) pairs remembered in memory for leaving their feedback out of online updates. */
const RECENT_SPONSORED = 100_000;
/** Posts of the viewer's history read for targeting. */
const HISTORY_POSTS = 200;

interface Ledger {
  spend: number;
  impressions: number;
  /** Every day's, for the smoothed CTR. */
  totalImpressions: number;
  totalClicks: number;
}

export interface BlendContext {
  userId: string;
  page: FeedPage;
  /** The viewer's rules, read only when a campaign could be shown. */
  safety: () => Promise<SafetyRules>;
  personalized: boolean;
  dataset?: Dataset;
  ranker?: EngagementRanker;
}

export class SponsoredSlots {
  private cached: { at: number; list: Campaign[] } | undefined;
  private loadingCampaigns: Promise<Campaign[]> | undefined;
  private ledgerDay = '';
  private ledger = new Map<string, Ledger>();
  private loadingLedger: Promise<void> | undefined;
  private freqDay = '';
  private freq = new Map<string, Map<string, number>>();
  private readonly loadingFreq = new Map<string, Promise<void>>();
  private readonly recent = new Set<string>();
  /** Click probabilities given by the engagement ranker and by the smoothed-CTR fallback (since start). */
  readonly predictions = { ranker: 0, smoothedCtr: 0 };

  constructor(
    private readonly store: Store,
    private readonly cfg: SponsoredConfig,
    private readonly clock: () => number = Date.now,
    private readonly logger?: Logger,
  ) {}

  /** Forgets the cached campaigns (after an admin change). */
  refresh(): void {
    this.cached = undefined;
  }

  private async campaigns(): Promise<Campaign[]> {
    const now = this.clock();
    if (this.cached && now - this.cached.at < CAMPAIGNS_TTL_MS) return this.cached.list;
    this.loadingCampaigns ??= this.store.campaigns().then((list) => {
      this.cached = { at: now, list };
      return list;
    }).finally(() => { this.loadingCampaigns = undefined; });
    return this.loadingCampaigns;
  }

  /** Today's delivery per campaign, read once a day (then kept in memory by this process). */
  private async ensureLedger(day: string): Promise<void> {
    while (this.ledgerDay !== day) {
      this.loadingLedger ??= this.store.campaignDays().then((rows) => {
        const next = new Map<string, Ledger>();
        for (const r of rows) {
          const l = next.get(r.campaignId) ?? { spend: 0, impressions: 0, totalImpressions: 0, totalClicks: 0 };
          if (r.day === day) [l.spend, l.impressions] = [r.spend, r.impressions];
          l.totalImpressions += r.impressions;
          l.totalClicks += r.clicks;
          next.set(r.campaignId, l);
        }
        // A reservation made while this read ran belongs to the same day: only a new day replaces the ledger.
        if (this.ledgerDay !== day) [this.ledger, this.ledgerDay] = [next, day];
      }).finally(() => { this.loadingLedger = undefined; });
      await this.loadingLedger;
    }
  }

  private ledgerOf(id: string): Ledger {
    let l = this.ledger.get(id);
    if (!l) this.ledger.set(id, (l = { spend: 0, impressions: 0, totalImpressions: 0, totalClicks: 0 }));
    return l;
  }

  /** The viewer's sponsored impressions of the day per campaign, read once per viewer and day. */
  private async ensureFreq(userId: string, day: string, dayStart: number): Promise<Map<string, number>> {
    if (this.freqDay !== day) [this.freq, this.freqDay] = [new Map(), day];
    while (!this.freq.has(userId)) {
      let loading = this.loadingFreq.get(userId);
      if (!loading) {
        loading = this.store.sponsoredImpressions({ userId, since: dayStart }).then((rows) => {
          if (this.freqDay !== day || this.freq.has(userId)) return;
          const counts = new Map<string, number>();
          for (const r of rows) counts.set(r.campaignId, (counts.get(r.campaignId) ?? 0) + 1);
          this.freq.set(userId, counts);
        }).finally(() => this.loadingFreq.delete(userId));
        this.loadingFreq.set(userId, loading);
      }
      await loading;
      if (this.freqDay !== day) return new Map();
    }
    return this.freq.get(userId)!;
  }

  /**
   * The page with sponsored posts in its safe slots (the same page when none is placed). `requestId` is the
   * response's id (made here when absent); the sponsored impressions are stored before this resolves.
   */
  async blend(ctx: BlendContext, requestId: string = randomUUID()): Promise<FeedPage> {
    const { page } = ctx;
    if (!this.cfg.enabled || page.items.length === 0) return page;
    const now = this.clock();
    const live = (await this.campaigns()).filter((c) => isLive(c, now));
    if (live.length === 0) return page;
    const slots = safeSlots(page.items, slotIndices(page.offset ?? 0, page.items.length, this.cfg), this.cfg);
    if (slots.length === 0) return page;
    const { candidates, posts } = await this.candidates(ctx, live);
    if (candidates.length === 0) return page;
    const day = utcDay(now), dayStart = Date.parse(`${day}T00:00:00Z`);
    await this.ensureLedger(day);
    const freq = await this.ensureFreq(ctx.userId, day, dayStart);
    // From here to the store write nothing awaits: the reservation is atomic within this process.
    const byId = new Map(live.map((c) => [c.id, c]));
    const rows = this.reserve(candidates, slots, byId, freq, { requestId, userId: ctx.userId, now });
    if (rows.length === 0) return page;
    try {
      await this.store.recordSponsoredImpressions(rows.map((r) => r.impression));
    } catch (err) {
      this.release(rows.map((r) => r.impression), freq);
      this.logger?.warn({ err }, 'sponsored impressions could not be stored; page served without them');
      return page;
    }
    for (const r of rows) this.remember(requestId, r.impression.postId);
    const placed: PlacedAd[] = rows.map((r) => ({ slot: r.slot, post: posts.get(r.impression.postId)!, label: { campaign: r.impression.campaignId, reason: r.reason } }));
    return { ...page, items: insertAds(page.items, placed), requestId };
  }

  /** Campaigns this viewer may be shown, with their click probability and why. */
  private async candidates(ctx: BlendContext, live: readonly Campaign[]): Promise<{ candidates: AdCandidate[]; posts: Map<string, Post> }> {
    const ids = [...new Set(live.map((c) => c.postId))];
    const [found, down] = await Promise.all([this.store.getPosts(ids), this.store.takenDown(ids)]);
    const posts = new Map(found.map((p) => [p.id, p]));
    const onPage = new Set(ctx.page.items.map((i) => i.postId));
    const safety = await ctx.safety();
    const terms = viewerTerms([...ctx.page.items.map((i) => i.post), ...(ctx.personalized ? historyPosts(ctx.dataset, ctx.userId) : [])]);
    const eligible: { c: Campaign; reason: string }[] = [];
    for (const c of live) {
      const post = posts.get(c.postId);
      // Blocks, mutes and muted words of the viewer, takedowns and the unsafe signals apply to the creative too.
      if (!post || down.has(post.id) || onPage.has(post.id) || post.author === ctx.userId || hidesPost(safety, post) || isUnsafe(post, this.cfg)) continue;
      const reason = targetingReason(c.targeting, terms);
      if (reason !== undefined) eligible.push({ c, reason });
    }
    const pCtr = this.clickProbabilities(ctx, eligible.map((e) => e.c));
    return { candidates: eligible.map(({ c, reason }, k) => ({ campaignId: c.id, postId: c.postId, bid: c.bid, pCtr: pCtr[k]!, reason })), posts };
  }

  private clickProbabilities(ctx: BlendContext, campaigns: readonly Campaign[]): number[] {
    const smoothed = (c: Campaign): number => {
      const l = this.ledger.get(c.id);
      const a = this.cfg.ctrPriorWeight;
      return ((l?.totalClicks ?? 0) + a * this.cfg.ctrPrior) / ((l?.totalImpressions ?? 0) + a);
    };
    const data = ctx.dataset, ranker = ctx.ranker;
    const user = data ? data.users.index(ctx.userId) : -1;
    const known = campaigns.map((c) => (ranker && data && user >= 0 ? data.items.index(c.postId) : -1));
    const asked = known.flatMap((item) => (item >= 0 ? [{ user, item }] : []));
    const p = asked.length > 0 ? ranker!.predict(asked) : undefined;
    let k = 0;
    return campaigns.map((c, j) => {
      if (!p || known[j]! < 0) {
        this.predictions.smoothedCtr++;
        return smoothed(c);
      }
      const i = k++;
      this.predictions.ranker++;
      return 1 - (1 - p.like[i]!) * (1 - p.share[i]!) * (1 - p.comment[i]!);
    });
  }

  /** Fills the slots in order, each by auction among campaigns under their caps and paced budgets; reserves each winner. */
  private reserve(candidates: readonly AdCandidate[], slots: readonly number[], byId: ReadonlyMap<string, Campaign>, freq: Map<string, number>, at: { requestId: string; userId: string; now: number }): { slot: number; impression: SponsoredImpression; reason: string }[] {
    const out: { slot: number; impression: SponsoredImpression; reason: string }[] = [];
    const used = new Set<string>();
    for (const slot of slots) {
      let pool = candidates.filter((a) => !used.has(a.campaignId) && (freq.get(a.campaignId) ?? 0) < byId.get(a.campaignId)!.frequencyCap);
      while (pool.length > 0) {
        const won = runAuction(pool, this.cfg.reservePrice);
        if (!won) break;
        const c = byId.get(won.winner.campaignId)!;
        const l = this.ledgerOf(c.id);
        if (l.spend + won.cost <= pacedSpend(c.dailyBudget, at.now, this.cfg.pacingSlack)) {
          l.spend += won.cost;
          l.impressions++;
          l.totalImpressions++;
          freq.set(c.id, (freq.get(c.id) ?? 0) + 1);
          used.add(c.id);
          out.push({ slot, reason: won.winner.reason, impression: { requestId: at.requestId, postId: c.postId, campaignId: c.id, userId: at.userId, at: at.now, price: won.price, cost: won.cost } });
          break;
        }
        // Over its paced budget for now: the next bidders compete without it.
        pool = pool.filter((a) => a !== won.winner);
      }
    }
    return out;
  }

  private release(rows: readonly SponsoredImpression[], freq: Map<string, number>): void {
    for (const r of rows) {
      const l = this.ledgerOf(r.campaignId);
      l.spend -= r.cost;
      l.impressions--;
      l.totalImpressions--;
      freq.set(r.campaignId, (freq.get(r.campaignId) ?? 1) - 1);
    }
  }

  private remember(requestId: string, postId: string): void {
    if (this.recent.size >= RECENT_SPONSORED) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    this.recent.add(`${requestId}\n${postId}`);
  }

  /**
   * Counts the clicks among newly stored events (engagement naming a sponsored impression's request id and post)
   * and returns the events that answer a sponsored impression: they are kept out of the online model updates.
   */
  async eventsStored(events: readonly Event[]): Promise<Set<string>> {
    const sponsored = new Set<string>();
    const clicks = events.filter((e) => e.request_id && e.post !== undefined && CLICK_TYPES.has(e.type));
    if (clicks.length > 0 && (await this.campaigns()).length > 0) {
      const clicked = await this.store.recordSponsoredClicks(clicks.map((e) => ({ requestId: e.request_id!, postId: e.post!, at: e.timestamp })));
      for (const c of clicked) {
        const l = this.ledger.get(c.campaignId);
        if (l) l.totalClicks++;
        this.remember(c.requestId, c.postId);
      }
    }
    for (const e of events) if (e.request_id && e.post !== undefined && this.recent.has(`${e.request_id}\n${e.post}`)) sponsored.add(e.id);
    return sponsored;
  }
}

/** Text and tags of the posts the viewer engaged with in the snapshot (at most HISTORY_POSTS). */
function historyPosts(data: Dataset | undefined, userId: string): { text: string; tags: readonly string[] }[] {
  const u = data ? data.users.index(userId) : -1;
  if (!data || u < 0) return [];
  const { indptr, indices } = data.interactions;
  const out: { text: string; tags: readonly string[] }[] = [];
  for (let k = Math.max(indptr[u]!, indptr[u + 1]! - HISTORY_POSTS); k < indptr[u + 1]!; k++) {
    const i = indices[k]!;
    out.push({ text: data.itemTexts[i] ?? '', tags: data.itemTags[i] ?? [] });
  }
  return out;
}
