/**
 * @module "Rising now": the burst detector of src/text/trends.ts over the snapshot's engagement, for hashtags and
 * topics. The last `windows` windows of `windowMs` before the snapshot's `now` are counted; a tag's count in a
 * window is the number of distinct accounts that liked, shared or commented on a post carrying it (a topic's, on
 * a post whose main topic it is). Its burst score is z = (c − μ) / max(σ, 1) of the last window against the
 * earlier ones, and it is rising when c ≥ `minCount` and z ≥ `minZ`.
 *
 * Bot-ring resistance, beside the popularity model's guard (which still makes the decayed score): an account
 * counts once per tag per window however often it engages, and accounts first seen less than `newAccountHours`
 * before `now` (the trending model's own setting) do not count, so a ring of fresh accounts cannot make a tag rise.
 */
import { EVENT_TYPES } from '../core/config.js';
import type { Dataset } from '../data/dataset.js';
import { trending, type TimedTokens } from '../text/trends.js';
import type { PostTopics } from './trending-topics.js';

export interface BurstOptions {
  /** Window length (default one hour). */
  windowMs?: number;
  /** Windows counted, the last one being "now" (default 24). */
  windows?: number;
  /** Fewest distinct accounts in the last window to be rising (default 3). */
  minCount?: number;
  /** Lowest burst score to be rising (default 2). */
  minZ?: number;
  /** Accounts first seen less than this many hours before now are not counted (default 0). */
  newAccountHours?: number;
}

export interface Burst {
  /** Distinct accounts in the last window. */
  count: number;
  /** Mean count of the earlier windows. */
  baseline: number;
  /** Burst score z. */
  z: number;
  rising: boolean;
}

/** The `newAccountHours` of a trending model's burst guard (0 when it has none). */
export function newAccountHoursOf(model: unknown): number {
  const params = (model as { params?: { newAccountHours?: unknown } } | undefined)?.params;
  return typeof params?.newAccountHours === 'number' ? params.newAccountHours : 0;
}

const ENGAGEMENT = new Set(['like', 'share', 'comment'].map((t) => EVENT_TYPES.indexOf(t as (typeof EVENT_TYPES)[number])));
const HOUR_MS = 3_600_000;

/** Burst of every hashtag (without '#') engaged with in the period. */
export function tagBursts(data: Dataset, options: BurstOptions = {}): Map<string, Burst> {
  const tokens = (i: number): string[] => (data.itemTags[i] ?? []).map((t) => `#${t.replace(/^#/, '')}`);
  const out = new Map<string, Burst>();
  for (const [token, b] of bursts(data, tokens, options)) out.set(token.slice(1), b);
  return out;
}

/** Burst of every topic, a post counting for its main topic (posts the topics were fitted on). */
export function topicBursts(data: Dataset, topics: PostTopics, options: BurstOptions = {}): Map<number, Burst> {
  const main = new Map<number, number>();
  topics.items.forEach((item, r) => {
    let best = 0;
    for (let t = 1; t < topics.k; t++) if (topics.mixtures[r * topics.k + t]! > topics.mixtures[r * topics.k + best]!) best = t;
    main.set(item, best);
  });
  const out = new Map<number, Burst>();
  for (const [token, b] of bursts(data, (i) => (main.has(i) ? [`#${main.get(i)!}`] : []), options)) out.set(Number(token.slice(1)), b);
  return out;
}

function bursts(data: Dataset, tokensOf: (item: number) => string[], options: BurstOptions): Map<string, Burst> {
  const windowMs = options.windowMs ?? HOUR_MS;
  const until = data.now + 1;
  const since = until - windowMs * (options.windows ?? 24);
  const young = youngAccounts(data, (options.newAccountHours ?? 0) * HOUR_MS);
  // One entry per (account, window): trends.ts counts a token once per entry, i.e. once per account and window.
  const entries = new Map<string, TimedTokens & { tokens: string[] }>();
  const { user, item, type, time } = data.log;
  for (let e = 0; e < user.length; e++) {
    const t = time[e]!;
    if (t < since || t >= until || !ENGAGEMENT.has(type[e]!) || young[user[e]!]) continue;
    const w = Math.floor((until - 1 - t) / windowMs);
    const key = `${user[e]}:${w}`;
    let entry = entries.get(key);
    if (!entry) entries.set(key, (entry = { time: until - 1 - w * windowMs, tokens: [] }));
    entry.tokens.push(...tokensOf(item[e]!));
  }
  const minCount = options.minCount ?? 3, minZ = options.minZ ?? 2;
  const all = trending(entries.values(), { since, until, kind: 'hashtags', windowMs, k: Number.MAX_SAFE_INTEGER, minCount: 0, minZ: -Infinity });
  return new Map(all.map((t) => [t.term, { count: t.count, baseline: t.baseline, z: t.z, rising: t.count >= minCount && t.z >= minZ }]));
}

/** Accounts whose first event is less than `ramp` ms before now. */
function youngAccounts(data: Dataset, ramp: number): Uint8Array {
  const young = new Uint8Array(data.users.size);
  if (ramp <= 0) return young;
  const first = new Float64Array(data.users.size).fill(Infinity);
  const { user, time } = data.log;
  for (let e = 0; e < user.length; e++) if (time[e]! < first[user[e]!]!) first[user[e]!] = time[e]!;
  for (let u = 0; u < young.length; u++) young[u] = data.now - first[u]! < ramp ? 1 : 0;
  return young;
}
