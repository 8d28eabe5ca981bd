/**
 * @module Campaign and sponsored-impression row mappers shared by both stores.
 */
import type { Campaign, CampaignTargeting, SponsoredImpression } from '../data/campaigns.js';

export interface CampaignRow {
  id: string;
  post_id: string;
  /** JSON text (SQLite) or the parsed object (PostgreSQL jsonb). */
  targeting: string | CampaignTargeting;
  bid: number;
  daily_budget: number;
  frequency_cap: number;
  start_at: number;
  end_at: number | null;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface SponsoredRow {
  request_id: string;
  post_id: string;
  campaign_id: string;
  user_id: string;
  at: number;
  price: number;
  cost: number;
  clicked_at?: number | null;
}

/** The row's values in column order (id, post_id, targeting, bid, daily_budget, frequency_cap, start_at, end_at, status, created_at, updated_at). */
export function campaignParams(c: Campaign): [string, string, string, number, number, number, number, number | null, string, number, number] {
  return [c.id, c.postId, JSON.stringify(c.targeting), c.bid, c.dailyBudget, c.frequencyCap, c.startAt, c.endAt, c.status, c.createdAt, c.updatedAt];
}

export function toCampaign(r: CampaignRow): Campaign {
  const t = typeof r.targeting === 'string' ? (JSON.parse(r.targeting) as CampaignTargeting) : r.targeting;
  return {
    id: r.id, postId: r.post_id, targeting: { topics: [...t.topics], hashtags: [...t.hashtags] },
    bid: Number(r.bid), dailyBudget: Number(r.daily_budget), frequencyCap: Number(r.frequency_cap),
    startAt: Number(r.start_at), endAt: r.end_at === null ? null : Number(r.end_at),
    status: r.status === 'paused' ? 'paused' : 'active', createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

export function toSponsored(r: SponsoredRow): SponsoredImpression {
  const out: SponsoredImpression = { requestId: r.request_id, postId: r.post_id, campaignId: r.campaign_id, userId: r.user_id, at: Number(r.at), price: Number(r.price), cost: Number(r.cost) };
  if (r.clicked_at !== undefined && r.clicked_at !== null) out.clickedAt = Number(r.clicked_at);
  return out;
}
