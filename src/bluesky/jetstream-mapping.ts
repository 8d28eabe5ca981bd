/**
 * @module Jetstream commits → one Resonate write batch. Accounts are users (id = DID), posts are posts (id =
 * AT-URI, author = DID, text, tags from the post's hashtag facets, first language, `reply_to` the parent's
 * AT-URI), likes and reposts are `like` and `share` events (id = the like's or repost's AT-URI), follows are
 * follow edges, blocks are `block` events aimed at the blocked account (their posts leave the blocker's feeds).
 * Deletes undo each: a post is deleted with every event on it, a like, repost or block is retracted, a follow
 * removed (the followee is remembered per follow record in the ingest state, as Jetstream's delete names only the
 * record). Within a batch each record's last operation wins. A like or repost of a post the store does not hold,
 * and a record that does not parse, is counted and skipped.
 */
import { LIMITS, type Event, type Follow, type Post } from '../data/schemas.js';
import type { WriteBatch } from '../data/rows.js';
import { atUri, parseAtUri, POST_COLLECTION } from './at-ids.js';
import type { CommitEvent } from './jetstream-frame.js';

export const JETSTREAM_COLLECTIONS = ['app.bsky.feed.post', 'app.bsky.feed.like', 'app.bsky.feed.repost', 'app.bsky.graph.follow', 'app.bsky.graph.block'] as const;
export type JetstreamCollection = (typeof JETSTREAM_COLLECTIONS)[number];

/** The ingest-state key under which the followee of a follow record is remembered. */
export const followKey = (uri: string): string => `bsky:follow:${uri}`;

export interface MappingLookups {
  /** Which of these users the store holds. */
  existingUsers(ids: readonly string[]): Promise<Set<string>>;
  existingPosts(ids: readonly string[]): Promise<Set<string>>;
  readState(keys: readonly string[]): Promise<Map<string, string>>;
}

export interface MappingFilters {
  /** Only posts whose first languages start with one of these (empty: all). */
  languages: readonly string[];
}

export interface MappedBatch {
  batch: WriteBatch;
  /** Records skipped: unparseable, or referring to a post or follow this store does not hold. */
  invalid: number;
  unknownReferences: number;
  /** Posts left out by the language filter. */
  filtered: number;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function cleanText(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string') return undefined;
  return v.slice(0, max).replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL, '');
}

function hashtags(record: Record<string, unknown>): string[] {
  const tags = new Set<string>();
  const facets = Array.isArray(record.facets) ? (record.facets as unknown[]) : [];
  for (const f of facets) {
    const features = f !== null && typeof f === 'object' && Array.isArray((f as { features?: unknown }).features) ? ((f as { features: unknown[] }).features) : [];
    for (const feat of features) {
      const tag = feat !== null && typeof feat === 'object' && (feat as { $type?: unknown }).$type === 'app.bsky.richtext.facet#tag' ? cleanText((feat as { tag?: unknown }).tag, LIMITS.tagChars) : undefined;
      if (tag) tags.add(tag);
      if (tags.size >= LIMITS.tags) return [...tags];
    }
  }
  return [...tags];
}

function subjectUri(record: Record<string, unknown>): string | undefined {
  const s = record.subject;
  const uri = s !== null && typeof s === 'object' ? (s as { uri?: unknown }).uri : undefined;
  return typeof uri === 'string' && parseAtUri(uri)?.collection === POST_COLLECTION ? uri : undefined;
}

function subjectDid(record: Record<string, unknown>): string | undefined {
  return typeof record.subject === 'string' && /^did:[a-z]+:[A-Za-z0-9._:%-]{1,200}$/.test(record.subject) ? record.subject : undefined;
}

/** Creation time: the record's `createdAt`, never later than the stream saw it (a client clock may run ahead). */
function createdAt(record: Record<string, unknown> | undefined, timeUs: number): number {
  const seen = Math.floor(timeUs / 1000);
  const t = typeof record?.createdAt === 'string' ? Date.parse(record.createdAt) : NaN;
  return Number.isFinite(t) && t > 0 ? Math.min(t, seen) : seen;
}

function post(c: CommitEvent, uri: string, filters: MappingFilters): Post | 'filtered' | undefined {
  const r = c.commit.record!;
  const text = cleanText(r.text, LIMITS.postTextChars);
  if (text === undefined) return undefined;
  const langs = Array.isArray(r.langs) ? (r.langs as unknown[]).filter((l): l is string => typeof l === 'string') : [];
  if (filters.languages.length > 0 && !langs.some((l) => filters.languages.some((want) => l.toLowerCase().startsWith(want.toLowerCase())))) return 'filtered';
  const reply = r.reply !== null && typeof r.reply === 'object' ? (r.reply as { parent?: { uri?: unknown } }).parent?.uri : undefined;
  const lang = langs[0] ? cleanText(langs[0], LIMITS.langChars) : undefined;
  return {
    id: uri, author: c.did, text, created_at: createdAt(r, c.time_us), tags: hashtags(r),
    ...(typeof reply === 'string' && reply.length <= LIMITS.idChars ? { reply_to: reply } : {}), ...(lang ? { lang } : {}),
  };
}

type Op =
  | { kind: 'post'; post: Post }
  | { kind: 'deletePost' }
  | { kind: 'event'; event: Event }
  | { kind: 'deleteEvent' }
  | { kind: 'follow'; follow: Follow }
  | { kind: 'unfollow'; follower: string };

/** Maps the commits of one batch (stream order) to one write; reads the store once per kind of look-up. */
export async function mapCommits(commits: readonly CommitEvent[], lookups: MappingLookups, filters: MappingFilters): Promise<MappedBatch> {
  let invalid = 0, unknownReferences = 0, filtered = 0;
  // The last operation on each record (by AT-URI) wins.
  const ops = new Map<string, Op>();
  const userIds = new Set<string>();
  for (const c of commits) {
    const { collection, rkey, operation } = c.commit;
    const uri = atUri(c.did, collection, rkey);
    if (uri.length > LIMITS.idChars) {
      invalid++;
      continue;
    }
    const r = c.commit.record;
    if (operation === 'delete') {
      const earlier = ops.get(uri);
      ops.delete(uri);
      // A follow made and undone within the batch leaves nothing to write.
      if (earlier?.kind === 'follow') continue;
      ops.set(uri, collection === POST_COLLECTION ? { kind: 'deletePost' } : collection === 'app.bsky.graph.follow' ? { kind: 'unfollow', follower: c.did } : { kind: 'deleteEvent' });
      continue;
    }
    const ts = createdAt(r, c.time_us);
    let op: Op | undefined;
    let leftOut = false;
    if (collection === POST_COLLECTION) {
      const p = post(c, uri, filters);
      if (p === 'filtered') leftOut = true;
      else if (p) op = { kind: 'post', post: p };
    } else if (collection === 'app.bsky.feed.like' || collection === 'app.bsky.feed.repost') {
      const target = subjectUri(r!);
      if (target) op = { kind: 'event', event: { id: uri, user: c.did, type: collection === 'app.bsky.feed.like' ? 'like' : 'share', post: target, timestamp: ts } };
    } else if (collection === 'app.bsky.graph.follow') {
      const target = subjectDid(r!);
      if (target && target !== c.did) op = { kind: 'follow', follow: { follower: c.did, followee: target, created_at: ts } };
    } else if (collection === 'app.bsky.graph.block') {
      const target = subjectDid(r!);
      if (target && target !== c.did) op = { kind: 'event', event: { id: uri, user: c.did, type: 'block', target_user: target, timestamp: ts } };
    } else {
      leftOut = true;
    }
    if (!op) {
      if (leftOut) filtered++;
      else invalid++;
      continue;
    }
    ops.delete(uri);
    ops.set(uri, op);
  }

  // Look-ups: posts that likes and reposts name, followees of deleted follow records.
  const postsHere = new Set<string>();
  const deletedHere = new Set<string>();
  for (const [uri, op] of ops) {
    if (op.kind === 'post') postsHere.add(uri);
    if (op.kind === 'deletePost') deletedHere.add(uri);
  }
  const named = [...new Set([...ops.values()].flatMap((op) => (op.kind === 'event' && op.event.post !== undefined && !postsHere.has(op.event.post) ? [op.event.post] : [])))];
  const storedPosts = await lookups.existingPosts(named);
  const followState = await lookups.readState([...ops].filter(([, op]) => op.kind === 'unfollow').map(([uri]) => followKey(uri)));

  const batch = {
    posts: [] as Post[], follows: [] as Follow[], unfollows: [] as Pick<Follow, 'follower' | 'followee'>[], events: [] as Event[],
    deleteEvents: [] as string[], deletePosts: [] as string[], state: [] as { key: string; value: string | null }[],
  };
  for (const [uri, op] of ops) {
    switch (op.kind) {
      case 'post':
        batch.posts.push(op.post);
        userIds.add(op.post.author);
        break;
      case 'deletePost':
        batch.deletePosts.push(uri);
        break;
      case 'event': {
        const target = op.event.post;
        if (target !== undefined && (deletedHere.has(target) || (!postsHere.has(target) && !storedPosts.has(target)))) {
          unknownReferences++;
          break;
        }
        batch.events.push(op.event);
        userIds.add(op.event.user);
        if (op.event.target_user !== undefined) userIds.add(op.event.target_user);
        break;
      }
      case 'deleteEvent':
        batch.deleteEvents.push(uri);
        break;
      case 'follow':
        batch.follows.push(op.follow);
        batch.state.push({ key: followKey(uri), value: op.follow.followee });
        userIds.add(op.follow.follower);
        userIds.add(op.follow.followee);
        break;
      case 'unfollow': {
        const followee = followState.get(followKey(uri));
        if (followee === undefined) {
          unknownReferences++;
          break;
        }
        batch.unfollows.push({ follower: op.follower, followee });
        batch.state.push({ key: followKey(uri), value: null });
        break;
      }
    }
  }
  const ids = [...userIds];
  const stored = await lookups.existingUsers(ids);
  const users = ids.filter((id) => !stored.has(id)).map((id) => ({ id }));
  return { batch: { users, ...batch }, invalid, unknownReferences, filtered };
}
