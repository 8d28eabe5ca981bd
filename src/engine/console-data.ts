/**
 * @module What the operator console reads beyond the public routes: time series over a window on the data's own
 * clock, the saved model versions with the training state, and one user's or one post's record as an operator
 * sees it (history, follow counts; engagement counts, moderation state).
 */
import { createError } from '../core/errors.js';
import type { EventType } from '../core/config.js';
import type { Event, Post, User } from '../data/schemas.js';
import type { Store, TimeBucket, TimeseriesMetric } from '../storage/store.js';
import { listVersions } from './model-versions.js';
import { OFFENSIVE_FEATURE } from './moderation.js';

export const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;
export type BucketName = keyof typeof BUCKET_MS;
/** Buckets shown when no `since` is given: two days of hours, or two months of days. */
export const DEFAULT_BUCKETS: Record<BucketName, number> = { hour: 48, day: 60 };
/** The most buckets one series may span (a year of days is 366; 3 months of hours 2,208). */
export const MAX_BUCKETS = 2_500;

export interface SeriesRequest {
  metric: TimeseriesMetric;
  bucket: BucketName;
  /** Epoch ms; default `DEFAULT_BUCKETS` before `until`. */
  since?: number;
  /** Epoch ms, exclusive; default the end of the bucket holding the newest row (the data's own clock). */
  until?: number;
}

export interface Series {
  metric: TimeseriesMetric;
  bucket: BucketName;
  bucketMs: number;
  since: number;
  until: number;
  /** Where `until` came from: the newest row of the series' table, the request, or the wall clock (no rows). */
  clock: 'data' | 'request' | 'wall';
  /** Every bucket of [since, until), empty ones as 0, oldest first. */
  points: TimeBucket[];
}

/** One series over its window; `now` is the wall clock, used only when the table has no rows. */
export async function timeSeries(store: Pick<Store, 'timeseries' | 'timeRange'>, req: SeriesRequest, now: number): Promise<Series> {
  const b = BUCKET_MS[req.bucket];
  let clock: Series['clock'] = 'request';
  let end = req.until;
  if (end === undefined) {
    const range = await store.timeRange(req.metric === 'impressions' ? 'impressions' : 'events');
    clock = range ? 'data' : 'wall';
    end = range ? range.last : now;
    end = Math.floor(end / b) * b + b;
  }
  const since = Math.max(0, Math.floor((req.since ?? end - DEFAULT_BUCKETS[req.bucket] * b) / b) * b);
  if (!(since < end)) throw createError('INVALID_INPUT', { field: 'since', problem: `must be before until (${new Date(end).toISOString()})` });
  const count = Math.ceil((end - since) / b);
  if (count > MAX_BUCKETS) throw createError('INVALID_INPUT', { field: 'since', problem: `the window spans ${count} buckets of a ${req.bucket}; at most ${MAX_BUCKETS}` });
  const rows = await store.timeseries({ metric: req.metric, bucketMs: b, since, before: end });
  const byStart = new Map(rows.map((r) => [r.start, r.value]));
  const points = Array.from({ length: count }, (_, i) => ({ start: since + i * b, value: byStart.get(since + i * b) ?? 0 }));
  return { metric: req.metric, bucket: req.bucket, bucketMs: b, since, until: end, clock, points };
}

export interface ModelVersionSummary {
  version: number;
  createdAt: string;
  current: boolean;
  models: { key: string; id: string; fitSeconds: number }[];
  data: { users: number; items: number; interactions: number };
  timings: { datasetSeconds: number; fitSeconds: number; saveSeconds: number };
  /** Offline metrics of each model on a validation carve (`models.validate`), when measured. */
  validation: Record<string, Record<string, number>> | null;
}

/** The saved versions in `dir`, newest first, and those that could not be read. */
export function modelVersions(dir: string): { current: number | null; versions: ModelVersionSummary[]; skipped: { version: number; problem: string }[] } {
  const { versions, skipped, current } = listVersions(dir);
  return {
    current: current ?? null,
    versions: versions.map((m) => ({
      version: m.version,
      createdAt: m.createdAt,
      current: m.version === current,
      models: m.models.map(({ key, id, fitSeconds }) => ({ key, id, fitSeconds })),
      data: { users: m.data.users, items: m.data.items, interactions: m.data.interactions },
      timings: m.timings,
      validation: m.validation ?? null,
    })),
    skipped,
  };
}

export interface UserRecord {
  user: User;
  following: number;
  followers: number;
  /** The newest events, newest first. */
  events: Event[];
}

/** One user as an operator sees them; NOT_FOUND for an unknown id, USER_ERASED for an erased one. */
export async function userRecord(store: Store, id: string, limit: number): Promise<UserRecord> {
  const user = await store.getUser(id);
  if (!user) {
    if (await store.isErased(id)) throw createError('USER_ERASED', { id });
    throw createError('NOT_FOUND', { kind: 'user', id });
  }
  const [following, followers, events] = await Promise.all([store.following(id), store.followers(id), store.userEvents(id, { limit })]);
  return { user, following: following.length, followers: followers.length, events };
}

export interface PostRecord {
  post: Post;
  /** Events received, by type. */
  events: Partial<Record<EventType, number>>;
  /** Replies stored (counted up to 500). */
  replies: number;
  takenDown: boolean;
  /** The stored offensive probability (`features.offensive`), when the post has one. */
  offensive: number | null;
  /** Whether `offensive` is above `moderation.reviewAbove` (false when review is off). */
  flagged: boolean;
}

export async function postRecord(store: Store, id: string, reviewAbove: number | undefined): Promise<PostRecord> {
  const post = await store.getPost(id);
  if (!post) throw createError('NOT_FOUND', { kind: 'post', id });
  const [events, replies, down] = await Promise.all([store.postEventCounts(id), store.repliesTo(id, 500), store.takenDown([id])]);
  const raw = post.features?.[OFFENSIVE_FEATURE];
  const offensive = typeof raw === 'number' ? raw : null;
  return { post, events, replies: replies.length, takenDown: down.has(id), offensive, flagged: offensive !== null && reviewAbove !== undefined && offensive > reviewAbove };
}
