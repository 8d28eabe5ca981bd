/**
 * @module The PostgreSQL side of sponsored campaigns: campaign rows, delivery per day, sponsored impressions and
 * their clicks. Each function runs on the client it is given (the store's transaction or a standalone one).
 */
import type pg from 'pg';
import { utcDay, type Campaign, type CampaignDay, type SponsoredClick, type SponsoredImpression } from '../../data/campaigns.js';
import { campaignParams, toCampaign, toSponsored, type CampaignRow, type SponsoredRow } from '../campaign-rows.js';

export const CAMPAIGN_COLUMNS = 'id, post_id, targeting, bid, daily_budget, frequency_cap, start_at, end_at, status, created_at, updated_at';
const SPONSORED_COLUMNS = 'request_id, post_id, campaign_id, user_id, at, price, cost';
const SPONSORED_READ = `${SPONSORED_COLUMNS}, clicked_at`;

export async function putCampaign(db: pg.ClientBase, c: Campaign): Promise<void> {
  await db.query(
    `INSERT INTO campaigns (${CAMPAIGN_COLUMNS}) VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (id) DO UPDATE SET post_id = excluded.post_id, targeting = excluded.targeting, bid = excluded.bid,
       daily_budget = excluded.daily_budget, frequency_cap = excluded.frequency_cap, start_at = excluded.start_at,
       end_at = excluded.end_at, status = excluded.status, created_at = excluded.created_at, updated_at = excluded.updated_at`,
    campaignParams(c),
  );
}

export async function deleteCampaign(db: pg.ClientBase, id: string): Promise<boolean> {
  await db.query('DELETE FROM campaign_days WHERE campaign_id = $1', [id]);
  return ((await db.query('DELETE FROM campaigns WHERE id = $1', [id])).rowCount ?? 0) > 0;
}

const ADD_DAY = `INSERT INTO campaign_days (campaign_id, day, impressions, clicks, spend) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (campaign_id, day) DO UPDATE SET impressions = campaign_days.impressions + excluded.impressions,
    clicks = campaign_days.clicks + excluded.clicks, spend = campaign_days.spend + excluded.spend`;

export async function insertSponsored(db: pg.ClientBase, rows: readonly SponsoredImpression[]): Promise<number> {
  let added = 0;
  for (const r of rows) {
    const ins = await db.query(
      `INSERT INTO sponsored_impressions (${SPONSORED_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (request_id, post_id) DO NOTHING`,
      [r.requestId, r.postId, r.campaignId, r.userId, r.at, r.price, r.cost],
    );
    if ((ins.rowCount ?? 0) === 0) continue;
    await db.query(ADD_DAY, [r.campaignId, utcDay(r.at), 1, 0, r.cost]);
    added++;
  }
  return added;
}

export async function markClicks(db: pg.ClientBase, clicks: readonly SponsoredClick[]): Promise<SponsoredImpression[]> {
  const out: SponsoredImpression[] = [];
  for (const c of clicks) {
    const r = await db.query<SponsoredRow>(
      `UPDATE sponsored_impressions SET clicked_at = $1 WHERE request_id = $2 AND post_id = $3 AND clicked_at IS NULL RETURNING ${SPONSORED_READ}`,
      [c.at, c.requestId, c.postId],
    );
    const row = r.rows[0];
    if (!row) continue;
    await db.query(ADD_DAY, [row.campaign_id, utcDay(c.at), 0, 1, 0]);
    out.push(toSponsored(row));
  }
  return out;
}

export type RowsReader = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

export async function getCampaign(rows: RowsReader, id: string): Promise<Campaign | undefined> {
  const r = await rows<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = $1`, [id]);
  return r[0] && toCampaign(r[0]);
}

export async function listCampaigns(rows: RowsReader): Promise<Campaign[]> {
  return (await rows<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns ORDER BY created_at, id`)).map(toCampaign);
}

export async function campaignDays(rows: RowsReader, query: { campaignId?: string; since?: string }): Promise<CampaignDay[]> {
  const r = await rows<{ campaign_id: string; day: string; impressions: number; clicks: number; spend: number }>(
    'SELECT campaign_id, day, impressions, clicks, spend FROM campaign_days WHERE ($1::text IS NULL OR campaign_id = $1) AND day >= $2 ORDER BY campaign_id, day',
    [query.campaignId ?? null, query.since ?? ''],
  );
  return r.map((x) => ({ campaignId: x.campaign_id, day: x.day, impressions: Number(x.impressions), clicks: Number(x.clicks), spend: Number(x.spend) }));
}

export async function sponsoredImpressions(rows: RowsReader, query: { userId?: string; since?: number }): Promise<SponsoredImpression[]> {
  const r = await rows<SponsoredRow>(
    `SELECT ${SPONSORED_READ} FROM sponsored_impressions WHERE ($1::text IS NULL OR user_id = $1) AND at >= $2 ORDER BY at, seq`,
    [query.userId ?? null, query.since ?? -Number.MAX_VALUE],
  );
  return r.map(toSponsored);
}

/** Copied rows (`resonate migrate`): days and sponsored impressions as they are, clicks included. */
export async function writeCopied(db: pg.ClientBase, r: { campaigns?: readonly Campaign[]; campaignDays?: readonly CampaignDay[]; sponsoredImpressions?: readonly SponsoredImpression[] }): Promise<void> {
  for (const c of r.campaigns ?? []) await putCampaign(db, c);
  for (const d of r.campaignDays ?? []) {
    await db.query(
      `INSERT INTO campaign_days (campaign_id, day, impressions, clicks, spend) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (campaign_id, day) DO UPDATE SET impressions = excluded.impressions, clicks = excluded.clicks, spend = excluded.spend`,
      [d.campaignId, d.day, d.impressions, d.clicks, d.spend],
    );
  }
  for (const i of r.sponsoredImpressions ?? []) {
    await db.query(
      `INSERT INTO sponsored_impressions (${SPONSORED_READ}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (request_id, post_id) DO UPDATE SET campaign_id = excluded.campaign_id, user_id = excluded.user_id, at = excluded.at,
         price = excluded.price, cost = excluded.cost, clicked_at = excluded.clicked_at`,
      [i.requestId, i.postId, i.campaignId, i.userId, i.at, i.price, i.cost, i.clickedAt ?? null],
    );
  }
}
