/**
 * @module Campaign administration (`/v1/admin/campaigns`): create, list, read, change, delete, each checked with a
 * named error (CAMPAIGN_AMOUNT_INVALID, CAMPAIGN_CREATIVE_INVALID, CAMPAIGN_TARGETING_INVALID, CAMPAIGN_NOT_FOUND,
 * CAMPAIGN_EXISTS), and the delivery report (impressions, clicks, spend per day). Every change reaches the
 * serving blender at once.
 */
import { randomUUID } from 'node:crypto';
import { createError } from '../core/errors.js';
import { utcDay, type Campaign, type CampaignDay, type CampaignTargeting } from '../data/campaigns.js';
import type { Store } from '../storage/store.js';

/** What a client sends to create a campaign (PATCH sends any subset but the id). */
export interface CampaignInput {
  id?: unknown;
  postId?: unknown;
  targeting?: unknown;
  bid?: unknown;
  dailyBudget?: unknown;
  frequencyCap?: unknown;
  startAt?: unknown;
  endAt?: unknown;
  status?: unknown;
}

export interface CampaignDelivery {
  campaign: Campaign;
  /** Today's (UTC) delivery. */
  today: Omit<CampaignDay, 'campaignId'>;
  /** Every day's, oldest first. */
  days: Omit<CampaignDay, 'campaignId'>[];
  totals: { impressions: number; clicks: number; spend: number; ctr: number };
}

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const TERM = /^[\p{L}\p{N}_-]{1,64}$/u;
const MAX_TERMS = 100;
const TIME_MAX = 8.64e15;

function amount(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw createError('CAMPAIGN_AMOUNT_INVALID', { field, problem: `expected a positive number, got ${JSON.stringify(v) ?? String(v)}` });
  return v;
}

function cap(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1_000_000) throw createError('CAMPAIGN_AMOUNT_INVALID', { field: 'frequencyCap', problem: `expected an integer in 1..1000000, got ${JSON.stringify(v) ?? String(v)}` });
  return v;
}

function time(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > TIME_MAX) throw createError('INVALID_INPUT', { field, problem: 'expected epoch milliseconds' });
  return v;
}

function terms(field: 'topics' | 'hashtags', v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > MAX_TERMS) throw createError('CAMPAIGN_TARGETING_INVALID', { field: `targeting.${field}`, problem: `expected a list of at most ${MAX_TERMS} words` });
  return [...new Set(v.map((t: unknown, k) => {
    const word = typeof t === 'string' ? (field === 'hashtags' ? t.replace(/^#/, '') : t).toLowerCase() : '';
    if (!TERM.test(word)) throw createError('CAMPAIGN_TARGETING_INVALID', { field: `targeting.${field}[${k}]`, problem: 'expected a word of 1 to 64 letters, digits, "_" or "-"' });
    return word;
  }))];
}

/** Checks a targeting object: `{ topics?, hashtags? }` and nothing else. */
export function parseTargeting(v: unknown): CampaignTargeting {
  if (v === undefined || v === null) return { topics: [], hashtags: [] };
  if (typeof v !== 'object' || Array.isArray(v)) throw createError('CAMPAIGN_TARGETING_INVALID', { field: 'targeting', problem: 'expected an object { topics, hashtags }' });
  const o = v as Record<string, unknown>;
  if ('communities' in o) throw createError('CAMPAIGN_TARGETING_INVALID', { field: 'targeting.communities', problem: 'community targeting is not supported; target by topics and hashtags' });
  const extra = Object.keys(o).find((k) => k !== 'topics' && k !== 'hashtags');
  if (extra !== undefined) throw createError('CAMPAIGN_TARGETING_INVALID', { field: `targeting.${extra.slice(0, 64)}`, problem: 'unknown field (expected topics, hashtags)' });
  return { topics: terms('topics', o.topics), hashtags: terms('hashtags', o.hashtags) };
}

const FIELDS = new Set(['id', 'postId', 'targeting', 'bid', 'dailyBudget', 'frequencyCap', 'startAt', 'endAt', 'status']);

function checkBody(body: unknown): CampaignInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw createError('INVALID_INPUT', { field: 'body', problem: 'expected a JSON object' });
  const extra = Object.keys(body).find((k) => !FIELDS.has(k));
  if (extra !== undefined) throw createError('INVALID_INPUT', { field: extra.slice(0, 64), problem: `unknown field (expected one of ${[...FIELDS].join(', ')})` });
  return body as CampaignInput;
}

function status(v: unknown): Campaign['status'] {
  if (v !== 'active' && v !== 'paused') throw createError('INVALID_INPUT', { field: 'status', problem: 'expected "active" or "paused"' });
  return v;
}

export class CampaignAdmin {
  constructor(
    private readonly store: Store,
    private readonly changed: () => void,
    private readonly clock: () => number = Date.now,
    /** How the serving blender predicted click probabilities since start: by the engagement ranker, or the smoothed-CTR fallback. */
    readonly predictions: Readonly<{ ranker: number; smoothedCtr: number }> = { ranker: 0, smoothedCtr: 0 },
  ) {}

  private async creative(v: unknown): Promise<string> {
    if (typeof v !== 'string' || v.trim() === '') throw createError('CAMPAIGN_CREATIVE_INVALID', { problem: 'expected the id of a stored post' });
    if (v.length > 256 || !(await this.store.getPost(v))) throw createError('CAMPAIGN_CREATIVE_INVALID', { problem: `no post ${JSON.stringify(v.slice(0, 64))} is stored` });
    if ((await this.store.takenDown([v])).size > 0) throw createError('CAMPAIGN_CREATIVE_INVALID', { problem: `post ${v} was taken down` });
    return v;
  }

  /** The campaign with `patch` applied, every field checked (a missing field of a new campaign gets its default). */
  private async merged(base: Campaign | undefined, input: CampaignInput, now: number): Promise<Campaign> {
    const has = (k: keyof CampaignInput): boolean => input[k] !== undefined;
    const c: Campaign = {
      id: base?.id ?? (input.id as string),
      postId: base && !has('postId') ? base.postId : await this.creative(input.postId),
      targeting: base && !has('targeting') ? base.targeting : parseTargeting(input.targeting),
      bid: base && !has('bid') ? base.bid : amount('bid', input.bid),
      dailyBudget: base && !has('dailyBudget') ? base.dailyBudget : amount('dailyBudget', input.dailyBudget),
      frequencyCap: base && !has('frequencyCap') ? base.frequencyCap : has('frequencyCap') ? cap(input.frequencyCap) : 3,
      startAt: base && !has('startAt') ? base.startAt : has('startAt') ? time('startAt', input.startAt) : now,
      endAt: base && !('endAt' in input) ? base.endAt : input.endAt === undefined || input.endAt === null ? null : time('endAt', input.endAt),
      status: base && !has('status') ? base.status : has('status') ? status(input.status) : 'active',
      createdAt: base?.createdAt ?? now,
      updatedAt: now,
    };
    if (c.endAt !== null && c.endAt <= c.startAt) throw createError('INVALID_INPUT', { field: 'endAt', problem: 'must be after startAt' });
    return c;
  }

  async create(body: unknown): Promise<Campaign> {
    const input = checkBody(body);
    let id: string;
    if (input.id === undefined) id = `c-${randomUUID()}`;
    else if (typeof input.id !== 'string' || !ID.test(input.id)) throw createError('INVALID_INPUT', { field: 'id', problem: 'expected 1 to 128 letters, digits, "_", ".", ":" or "-"' });
    else id = input.id;
    if (await this.store.getCampaign(id)) throw createError('CAMPAIGN_EXISTS', { id });
    const c = await this.merged(undefined, { ...input, id }, this.clock());
    await this.store.putCampaign(c);
    this.changed();
    return c;
  }

  async get(id: string): Promise<Campaign> {
    const c = await this.store.getCampaign(id);
    if (!c) throw createError('CAMPAIGN_NOT_FOUND', { id: id.slice(0, 128) });
    return c;
  }

  list(): Promise<Campaign[]> {
    return this.store.campaigns();
  }

  async update(id: string, body: unknown): Promise<Campaign> {
    const input = checkBody(body);
    if (input.id !== undefined && input.id !== id) throw createError('INVALID_INPUT', { field: 'id', problem: 'a campaign\'s id cannot change' });
    const c = await this.merged(await this.get(id), input, this.clock());
    await this.store.putCampaign(c);
    this.changed();
    return c;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.store.deleteCampaign(id))) throw createError('CAMPAIGN_NOT_FOUND', { id: id.slice(0, 128) });
    this.changed();
  }

  /** Spend and delivery of one campaign, or of every campaign. */
  async delivery(id?: string): Promise<CampaignDelivery[]> {
    const campaigns = id === undefined ? await this.list() : [await this.get(id)];
    const days = await this.store.campaignDays(id === undefined ? {} : { campaignId: id });
    const today = utcDay(this.clock());
    return campaigns.map((campaign) => {
      const own = days.filter((d) => d.campaignId === campaign.id).map(({ campaignId: _c, ...d }) => d);
      const sum = (k: 'impressions' | 'clicks' | 'spend'): number => own.reduce((s, d) => s + d[k], 0);
      const totals = { impressions: sum('impressions'), clicks: sum('clicks'), spend: sum('spend'), ctr: 0 };
      totals.ctr = totals.impressions > 0 ? totals.clicks / totals.impressions : 0;
      return { campaign, today: own.find((d) => d.day === today) ?? { day: today, impressions: 0, clicks: 0, spend: 0 }, days: own, totals };
    });
  }
}
