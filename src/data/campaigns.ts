/**
 * @module Sponsored campaigns as stored: the campaign (creative post, targeting, bid, daily budget, frequency cap,
 * schedule), its delivery per UTC day, and each sponsored impression served (so feedback on it can be counted as
 * a click and kept out of the recommenders' training data).
 */

/** Who a campaign reaches: viewers whose interests hold one of the topic words or hashtags (both empty: everyone). */
export interface CampaignTargeting {
  /** Topic words (lower case), matched against the words of the posts the viewer engaged with and is shown. */
  topics: string[];
  /** Hashtags without '#', lower case. */
  hashtags: string[];
}

export interface Campaign {
  id: string;
  /** The creative: an existing post, shown as the sponsored item. */
  postId: string;
  targeting: CampaignTargeting;
  /** Most the advertiser pays for a click. */
  bid: number;
  /** Most the campaign spends per UTC day. */
  dailyBudget: number;
  /** Most sponsored impressions of this campaign per viewer per UTC day. */
  frequencyCap: number;
  /** Epoch ms the campaign may start serving. */
  startAt: number;
  /** Epoch ms it stops serving; null: no end. */
  endAt: number | null;
  /** `paused` stops it at once (start/stop). */
  status: 'active' | 'paused';
  createdAt: number;
  updatedAt: number;
}

/** One campaign's delivery on one UTC day. */
export interface CampaignDay {
  campaignId: string;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  impressions: number;
  clicks: number;
  spend: number;
}

/** One sponsored item served. */
export interface SponsoredImpression {
  /** The feed response's id (events echo it as `request_id`). */
  requestId: string;
  postId: string;
  campaignId: string;
  userId: string;
  /** Epoch ms served. */
  at: number;
  /** The second-price click price it won at. */
  price: number;
  /** What the impression was charged: price × the click probability it was priced with. */
  cost: number;
  /** Epoch ms of its first click, when clicked. */
  clickedAt?: number;
}

/** A click on a sponsored impression: an engagement event naming the impression's request id and post. */
export interface SponsoredClick {
  requestId: string;
  postId: string;
  at: number;
}

/** The UTC day of an epoch-ms time, `YYYY-MM-DD`. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
