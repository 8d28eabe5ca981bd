/**
 * @module The ingest path: validate a batch, give posts their sentiment, (when they came without) their language,
 * and their offensive probability when a moderation classifier is configured (moderation.ts), write it in one transaction, then
 * fold the newly stored positive events into the models that learn online (and the exploration policy's rewards,
 * exploration-feedback.ts) and drop the cached pages the write
 * made stale (the actor's own page; a new post reaches its author's followers; a new follow the follower's).
 */
import type { ResonateConfig } from '../core/config.js';
import type { Dataset } from '../data/dataset.js';
import { eventWeight } from '../data/dataset-builder.js';
import type { Recommender } from '../models/recommender.js';
import type { Event, Follow, Post, User } from '../data/schemas.js';
import { validateRows, type RowKind } from '../data/validate.js';
import { mentions, tagsFromText } from '../data/post-entities.js';
import { LIMITS } from '../data/schemas.js';
import type { Explorer } from '../feed/explorer.js';
import { checkMutedWordLimit } from '../feed/safety.js';
import { explorationFeedback } from './exploration-feedback.js';
import { vaderCompound } from '../text/sentiment/lexicon.js';
import { loadLanguageDetector } from '../text/language.js';
import type { Store, WriteBatch, WriteResult, WriteSummary } from '../storage/store.js';
import type { ServingSlot } from './serving.js';
import type { UserPrivacy } from './user-privacy.js';
import type { FeedbackJoin } from './feedback-join.js';
import type { FeedInvalidation } from './feed-invalidation.js';
import type { ModerationScorer } from './moderation.js';

/**
 * Every post ingested gets a sentiment: the VADER compound score in [-1, 1] and its label with VADER's
 * thresholds (±0.05). Posts that already carry `features.sentiment` keep theirs.
 */
export function addSentiment(posts: Post[]): void {
  for (const p of posts) {
    if (p.features?.sentiment !== undefined || p.text === '') continue;
    const c = vaderCompound(p.text);
    p.features = { ...p.features, sentiment: c >= 0.05 ? 'positive' : c <= -0.05 ? 'negative' : 'neutral', sentiment_score: Math.round(c * 1e4) / 1e4 };
  }
}

/** Posts without `lang` get the language identified from their text (left without one when none is found). */
export async function addLanguage(posts: Post[]): Promise<void> {
  if (!posts.some((p) => p.lang == null && p.text !== '')) return;
  const detect = await loadLanguageDetector();
  for (const p of posts) if (p.lang == null && p.text !== '') p.lang = detect(p.text);
}

export function createIngest(
  store: Store, config: ResonateConfig, serving: ServingSlot, privacy: UserPrivacy, invalidation: FeedInvalidation,
  feedback: { join?: FeedbackJoin; explorer?: Explorer; clock?: () => number; moderation?: ModerationScorer; search?: { written(kind: RowKind, rows: readonly unknown[]): void }; sponsored?: { eventsStored(events: readonly Event[]): Promise<Set<string>> }; checkEvents?: (events: readonly Event[], data: Dataset | undefined) => void } = {},
): (kind: RowKind, rows: unknown) => Promise<WriteSummary> {
  const { join, explorer, moderation } = feedback;
  const clock = feedback.clock ?? Date.now;
  return async (kind, rows) => {
    const { insertedEventIds: _ids, ...counts } = await write(kind, rows);
    return counts;
  };

  async function write(kind: RowKind, rows: unknown): Promise<WriteResult> {
    // Live writes may not come from the future (one far-future event would move every clock); imports may be historical.
    let parsed = validateRows(kind, rows, config.server.maxBatch, {
      now: clock(), maxFutureSkewMs: config.server.maxFutureSkewSeconds * 1000, vectors: config.features.vectors,
    });
    // A post sent without tags is tagged with the hashtags of its text.
    if (kind === 'posts') parsed = (parsed as Post[]).map(tagsFromText);
    // A post sent without mentions gets the @handles of its text that name stored users as mention edges.
    if (kind === 'posts') parsed = await mentionsFromText(store, parsed as Post[]);
    if (kind === 'posts' && config.text.sentimentAtIngest) addSentiment(parsed as Post[]);
    if (kind === 'posts' && config.text.identifyLanguage) await addLanguage(parsed as Post[]);
    if (kind === 'posts' && moderation) await moderation.score(parsed as Post[]);
    if (kind === 'events') await checkMutedWordLimit(store, parsed as Event[]);
    if (kind === 'events') feedback.checkEvents?.(parsed as Event[], serving.current?.dataset);
    const batch: WriteBatch = { [kind]: parsed };
    const summary = await store.write(batch);
    if (kind === 'users') privacy.usersWritten(parsed as User[]);
    feedback.search?.written(kind, parsed);
    if (kind === 'events' && join) {
      const inserted = new Set(summary.insertedEventIds);
      await join.count((parsed as Event[]).filter((e) => inserted.delete(e.id)));
    }
    // Clicks on sponsored impressions are counted; engagement with them never trains the recommenders.
    let sponsored = new Set<string>();
    if (kind === 'events' && feedback.sponsored) {
      const inserted = new Set(summary.insertedEventIds);
      sponsored = await feedback.sponsored.eventsStored((parsed as Event[]).filter((e) => inserted.delete(e.id)));
    }
    const live = serving.current;
    if (!live) return summary;
    if (kind === 'events') {
      const events = parsed as Event[];
      // Only events this write stored are new: a retried or repeated event must not be learned twice.
      const inserted = new Set(summary.insertedEventIds);
      const fresh = events.filter((e) => inserted.delete(e.id) && !sponsored.has(e.id));
      applyOnlineUpdates(fresh, live.dataset, live.models, config);
      if (explorer) explorationFeedback(fresh, explorer, config.weights);
    }
    if (kind === 'posts') invalidation.postsChanged();
    invalidation.users(await staleUsers(store, kind, parsed));
    return summary;
  }
}

/**
 * Posts without `mentions` take the `@handle`s of their text that are stored user ids (users have no separate
 * handle), the author left out; one store read for the batch.
 */
export async function mentionsFromText(store: Pick<Store, 'existingUsers'>, posts: Post[]): Promise<Post[]> {
  const handles = new Map<Post, string[]>();
  for (const p of posts) if (p.mentions === undefined && p.text.includes('@')) handles.set(p, mentions(p.text).filter((h) => h !== p.author));
  if (handles.size === 0) return posts;
  const known = await store.existingUsers([...new Set([...handles.values()].flat())]);
  return posts.map((p) => {
    const found = handles.get(p)?.filter((h) => known.has(h)).slice(0, LIMITS.mentions);
    return found && found.length > 0 ? { ...p, mentions: found } : p;
  });
}

/** The users whose first pages a write makes stale. */
async function staleUsers(store: Store, kind: RowKind, rows: readonly unknown[]): Promise<string[]> {
  // An event changes its actor's page (what they saw, liked, hid); a block or unblock also the target's (blocks
  // work both ways).
  if (kind === 'events') return (rows as Event[]).flatMap((e) => (e.target_user !== undefined && (e.type === 'block' || e.type === 'unblock') ? [e.user, e.target_user] : [e.user]));
  if (kind === 'follows') return (rows as Follow[]).map((f) => f.follower);
  // A user row may switch personalization on or off: rank their next page afresh.
  if (kind === 'users') return (rows as User[]).map((u) => u.id);
  if (kind !== 'posts') return [];
  // A new post reaches its author's followers and the users it mentions.
  const stale: string[] = (rows as Post[]).flatMap((p) => p.mentions ?? []);
  for (const author of new Set((rows as Post[]).map((p) => p.author))) stale.push(...(await store.followers(author)));
  return stale;
}

/** Folds new positive events into models that learn online (item-kNN histories, iALS fold-in, sequences). */
function applyOnlineUpdates(events: readonly Event[], data: Dataset, models: ReadonlyMap<string, Recommender>, config: ResonateConfig): void {
  for (const e of events) {
    if (e.post === undefined) continue;
    const w = eventWeight(e, config.weights);
    if (!(w > 0)) continue;
    const u = data.users.index(e.user);
    const i = data.items.index(e.post);
    if (u < 0 || i < 0) continue;
    for (const m of models.values()) m.partialFit?.(u, [i], [w]);
  }
}
