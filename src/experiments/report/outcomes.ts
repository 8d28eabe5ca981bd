/**
 * @module What each exposed user of an experiment did, read from the impression log and the events: one row per
 * user with their impressions, the feedback that answered them (joined by `request_id` and post), the hides and
 * reports they sent during the experiment that answer none of its pages (e.g. from a post page, without a request
 * id), their feed sessions, and their engagement before the experiment (the CUPED covariate). Users are exposed
 * when a page labelled with the experiment was served to them; the arm is the one their first such page names.
 */
import type { EventType } from '../../core/config.js';
import type { Event } from '../../data/schemas.js';
import type { Store } from '../../storage/store.js';

/** Event types that make an impression engaged (the same as the off-policy reward). */
export const ENGAGEMENT: readonly EventType[] = ['like', 'share', 'comment'];
/** Negative feedback counted for an exposed user during the experiment even without a request id. */
const UNJOINED_NEGATIVE: readonly EventType[] = ['hide', 'report'];
/** A gap longer than this between two pages starts a new session. */
export const SESSION_GAP_MS = 30 * 60_000;
/** Feedback that answers a page is counted when it arrives within this long after the experiment's end. */
export const LATE_FEEDBACK_MS = 60 * 60_000;

export interface UserOutcome {
  impressions: number;
  /** Impressions answered by at least one like, share or comment. */
  engaged: number;
  likes: number;
  shares: number;
  hides: number;
  reports: number;
  /** Seconds of `dwell` events answering the user's impressions. */
  dwellSeconds: number;
  /** Runs of pages with no gap over SESSION_GAP_MS. */
  sessions: number;
  /** Likes, shares and comments in the pre-period (the same length, just before the experiment). */
  preEngagement: number;
}

export interface ArmOutcomes {
  users: Map<string, UserOutcome>;
  /** Distinct posts shown in the arm. */
  posts: Set<string>;
}

export interface ExperimentOutcomes {
  /** The window measured, epoch ms: [start, stop). */
  start: number;
  stop: number;
  arms: Map<string, ArmOutcomes>;
  /** Users whose pages named more than one arm (their later pages are ignored; a changed salt or shares mid-run). */
  crossovers: number;
  /** Catalogue sizes coverage is measured against: posts, and authors with a post. */
  catalogue: { posts: number; authors: number };
  /** Authors of each shown post. */
  authorOf: Map<string, string>;
}

export type OutcomeStore = Pick<Store, 'scanImpressions' | 'eventsBetween' | 'scanPosts'>;

function emptyOutcome(): UserOutcome {
  return { impressions: 0, engaged: 0, likes: 0, shares: 0, hides: 0, reports: 0, dwellSeconds: 0, sessions: 0, preEngagement: 0 };
}

function sessionsOf(pageTimes: number[]): number {
  pageTimes.sort((a, b) => a - b);
  let sessions = pageTimes.length > 0 ? 1 : 0;
  for (let i = 1; i < pageTimes.length; i++) if (pageTimes[i]! - pageTimes[i - 1]! > SESSION_GAP_MS) sessions++;
  return sessions;
}

const key = (requestId: string, postId: string): string => `${requestId}\u0000${postId}`;

/**
 * Reads the outcomes of experiment `name` with these arms over [start, stop). Without a start the window opens
 * at its first labelled page.
 */
export async function collectOutcomes(store: OutcomeStore, experiment: { name: string; arms: readonly string[]; start?: number; stop: number }): Promise<ExperimentOutcomes> {
  const prefix = `${experiment.name}:`;
  const arms = new Map<string, ArmOutcomes>(experiment.arms.map((a) => [a, { users: new Map(), posts: new Set() }]));
  const armOf = new Map<string, string>();
  const served = new Map<string, UserOutcome>();
  const pages = new Map<string, Map<string, number>>();
  let crossovers = 0, first = Infinity;
  const switched = new Set<string>();
  const since = experiment.start ?? -8.64e15;
  for await (const i of store.scanImpressions({ since, before: experiment.stop })) {
    if (!i.experiment?.startsWith(prefix)) continue;
    const arm = i.experiment.slice(prefix.length);
    const bucket = arms.get(arm);
    if (!bucket) continue;
    const assigned = armOf.get(i.userId);
    if (assigned !== undefined && assigned !== arm) {
      if (!switched.has(i.userId)) crossovers++;
      switched.add(i.userId);
      continue;
    }
    armOf.set(i.userId, arm);
    let user = bucket.users.get(i.userId);
    if (!user) bucket.users.set(i.userId, (user = emptyOutcome()));
    user.impressions++;
    bucket.posts.add(i.postId);
    served.set(key(i.requestId, i.postId), user);
    const times = pages.get(i.userId) ?? new Map<string, number>();
    times.set(i.requestId, i.at);
    pages.set(i.userId, times);
    first = Math.min(first, i.at);
  }
  const start = experiment.start ?? (Number.isFinite(first) ? first : experiment.stop);
  for (const [userId, times] of pages) {
    const arm = arms.get(armOf.get(userId)!)!;
    arm.users.get(userId)!.sessions = sessionsOf([...times.values()]);
  }
  const userOf = (id: string): UserOutcome | undefined => arms.get(armOf.get(id) ?? '')?.users.get(id);

  const engaged = new Set<string>();
  const feedback = await store.eventsBetween(start, experiment.stop + LATE_FEEDBACK_MS, { types: [...ENGAGEMENT, 'dwell', ...UNJOINED_NEGATIVE] });
  for (const e of feedback) countFeedback(e, served.get(e.request_id && e.post !== undefined ? key(e.request_id, e.post) : ''), userOf(e.user), engaged, start, experiment.stop);

  const length = experiment.stop - start;
  if (length > 0) {
    for (const e of await store.eventsBetween(start - length, start, { types: ENGAGEMENT })) {
      const user = userOf(e.user);
      if (user) user.preEngagement++;
    }
  }

  const shown = new Set<string>();
  for (const a of arms.values()) for (const p of a.posts) shown.add(p);
  const authorOf = new Map<string, string>(), authors = new Set<string>();
  let posts = 0;
  for await (const p of store.scanPosts()) {
    posts++;
    authors.add(p.author);
    if (shown.has(p.id)) authorOf.set(p.id, p.author);
  }
  return { start, stop: experiment.stop, arms, crossovers, catalogue: { posts, authors: authors.size }, authorOf };
}

/** Adds one event to the impression it answers, or (hides and reports in the window) to its exposed user. */
function countFeedback(e: Event, answered: UserOutcome | undefined, sender: UserOutcome | undefined, engaged: Set<string>, start: number, stop: number): void {
  if (answered) {
    if (ENGAGEMENT.includes(e.type)) {
      const k = key(e.request_id!, e.post!);
      if (!engaged.has(k)) answered.engaged++;
      engaged.add(k);
    }
    if (e.type === 'like') answered.likes++;
    else if (e.type === 'share') answered.shares++;
    else if (e.type === 'dwell') answered.dwellSeconds += Math.abs(e.value ?? 0);
    else if (e.type === 'hide') answered.hides++;
    else if (e.type === 'report') answered.reports++;
    return;
  }
  if (!sender || e.timestamp < start || e.timestamp >= stop) return;
  if (e.type === 'hide') sender.hides++;
  else if (e.type === 'report') sender.reports++;
}
