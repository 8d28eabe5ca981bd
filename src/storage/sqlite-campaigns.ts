/**
 * @module The SQLite side of sponsored campaigns: campaign rows, delivery per day, sponsored impressions and their
 * clicks. Writes run inside the store's transaction (the caller begins and commits).
 */
import type Database from 'better-sqlite3';
import { utcDay, type Campaign, type CampaignDay, type SponsoredClick, type SponsoredImpression } from '../data/campaigns.js';
import { campaignParams, toCampaign, toSponsored, type CampaignRow, type SponsoredRow } from './campaign-rows.js';

const CAMPAIGN_COLUMNS = 'id, post_id, targeting, bid, daily_budget, frequency_cap, start_at, end_at, status, created_at, updated_at';
const SPONSORED_COLUMNS = 'request_id, post_id, campaign_id, user_id, at, price, cost';
const SPONSORED_READ = `${SPONSORED_COLUMNS}, clicked_at`;

export function putCampaign(db: Database.Database, c: Campaign): void {
  db.prepare(`INSERT OR REPLACE INTO campaigns (${CAMPAIGN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...campaignParams(c));
}

export function getCampaign(db: Database.Database, id: string): Campaign | undefined {
  const row = db.prepare(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ?`).get(id) as CampaignRow | undefined;
  return row && toCampaign(row);
}

export function listCampaigns(db: Database.Database): Campaign[] {
  return (db.prepare(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns ORDER BY created_at, id`).all() as CampaignRow[]).map(toCampaign);
}

export function deleteCampaign(db: Database.Database, id: string): boolean {
  db.prepare('DELETE FROM campaign_days WHERE campaign_id = ?').run(id);
  return db.prepare('DELETE FROM campaigns WHERE id = ?').run(id).changes > 0;
}

const ADD_DAY = `INSERT INTO campaign_days (campaign_id, day, impressions, clicks, spend) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (campaign_id, day) DO UPDATE SET impressions = impressions + excluded.impressions, clicks = clicks + excluded.clicks, spend = spend + excluded.spend`;

export function insertSponsored(db: Database.Database, rows: readonly SponsoredImpression[]): number {
  const insert = db.prepare(`INSERT OR IGNORE INTO sponsored_impressions (${SPONSORED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const day = db.prepare(ADD_DAY);
  let added = 0;
  for (const r of rows) {
    if (insert.run(r.requestId, r.postId, r.campaignId, r.userId, r.at, r.price, r.cost).changes === 0) continue;
    day.run(r.campaignId, utcDay(r.at), 1, 0, r.cost);
    added++;
  }
  return added;
}

export function markClicks(db: Database.Database, clicks: readonly SponsoredClick[]): SponsoredImpression[] {
  const mark = db.prepare(`UPDATE sponsored_impressions SET clicked_at = ? WHERE request_id = ? AND post_id = ? AND clicked_at IS NULL RETURNING ${SPONSORED_READ}`);
  const day = db.prepare(ADD_DAY);
  const out: SponsoredImpression[] = [];
  for (const c of clicks) {
    const row = mark.get(c.at, c.requestId, c.postId) as SponsoredRow | undefined;
    if (!row) continue;
    day.run(row.campaign_id, utcDay(c.at), 0, 1, 0);
    out.push(toSponsored(row));
  }
  return out;
}

export function campaignDays(db: Database.Database, query: { campaignId?: string; since?: string }): CampaignDay[] {
  const rows = db
    .prepare('SELECT campaign_id, day, impressions, clicks, spend FROM campaign_days WHERE (? IS NULL OR campaign_id = ?) AND day >= ? ORDER BY campaign_id, day')
    .all(query.campaignId ?? null, query.campaignId ?? null, query.since ?? '') as { campaign_id: string; day: string; impressions: number; clicks: number; spend: number }[];
  return rows.map((r) => ({ campaignId: r.campaign_id, day: r.day, impressions: r.impressions, clicks: r.clicks, spend: r.spend }));
}

export function sponsoredImpressions(db: Database.Database, query: { userId?: string; since?: number }): SponsoredImpression[] {
  const rows = db
    .prepare(`SELECT ${SPONSORED_READ} FROM sponsored_impressions WHERE (? IS NULL OR user_id = ?) AND at >= ? ORDER BY at, rowid`)
    .all(query.userId ?? null, query.userId ?? null, query.since ?? -Number.MAX_VALUE) as SponsoredRow[];
  return rows.map(toSponsored);
}

/** Copied rows (`resonate migrate`): days and sponsored impressions as they are, clicks included. */
export function writeCopied(db: Database.Database, r: { campaigns?: readonly Campaign[]; campaignDays?: readonly CampaignDay[]; sponsoredImpressions?: readonly SponsoredImpression[] }): void {
  for (const c of r.campaigns ?? []) putCampaign(db, c);
  const day = db.prepare('INSERT OR REPLACE INTO campaign_days (campaign_id, day, impressions, clicks, spend) VALUES (?, ?, ?, ?, ?)');
  for (const d of r.campaignDays ?? []) day.run(d.campaignId, d.day, d.impressions, d.clicks, d.spend);
  const imp = db.prepare(`INSERT OR REPLACE INTO sponsored_impressions (${SPONSORED_READ}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const i of r.sponsoredImpressions ?? []) imp.run(i.requestId, i.postId, i.campaignId, i.userId, i.at, i.price, i.cost, i.clickedAt ?? null);
}
