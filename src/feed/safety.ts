/**
 * @module A viewer's safety rules, folded from their own events: muted and blocked accounts, muted words and
 * #hashtags (hard filters: such a post never reaches the viewer), and the negative profile of "show less like
 * this", hide and report (soft: the authors, tags and feed sources of those posts are down-weighted).
 *
 * Events are the only record: `mute`/`unmute` with `target_user` (an account) or `text` (a word or #hashtag),
 * `block`/`unblock` with `target_user`, `show_less` with `post` (and the feed source that served it as `text`),
 * `hide` and `report` with `post` (a `report` with `target_user` alone acts as a mute). Folded oldest first, so the
 * latest of a mute and an unmute wins. A block works both ways: the blocked account does not see the blocker's
 * posts either (`blockedBy`, folded from the block events that target the viewer). Erasure, export and `resonate migrate` cover them as they cover events.
 */
import type { EventType } from '../core/config.js';
import { createError } from '../core/errors.js';
import { LIMITS, type Event, type Post } from '../data/schemas.js';
import type { Store } from '../storage/store.js';
import type { HydratedItem, PostInfo } from './types.js';

/** The event types the rules are folded from (the Store is asked for exactly these). */
export const SAFETY_EVENT_TYPES: readonly EventType[] = ['mute', 'unmute', 'block', 'unblock', 'show_less', 'hide', 'report'];

/** Multipliers a negative signal applies to later posts sharing its author, a tag, or the source that served it. */
export const DAMPING = {
  show_less: { author: 0.3, tag: 0.6, source: 0.8 },
  hide: { author: 0.6, tag: 0.85, source: 1 },
  report: { author: 0.6, tag: 0.85, source: 1 },
} as const;
/** No post is damped below this multiplier (damping is a preference, muting is the filter). */
export const DAMPING_FLOOR = 0.05;

export interface SafetyRules {
  readonly userId: string;
  /** Accounts the user muted (or reported as accounts), blocked or is blocked by: none of their posts reach the user. */
  readonly hiddenAuthors: ReadonlySet<string>;
  readonly blocked: ReadonlySet<string>;
  /** Accounts that blocked the user. */
  readonly blockedBy: ReadonlySet<string>;
  readonly muted: ReadonlySet<string>;
  /** Muted words and #hashtags, normalised (lower case, trimmed), in the order they were muted. */
  readonly mutedWords: readonly string[];
  /** Negative signals by the post they were given on (resolved to authors and tags by `negativeProfile`). */
  readonly negativePosts: readonly { post: string; type: keyof typeof DAMPING; source?: string }[];
}

/** A muted word as stored and compared: lower case, trimmed, a leading '#' kept (it mutes the hashtag only). */
export function normalizeMutedWord(word: string): string {
  return word.trim().toLowerCase();
}

const byTimeThenId = (a: Event, b: Event): number => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Folds a user's safety events (any order; sorted here by time, then id) into their rules; `aboutUser` are the
 * block and unblock events other accounts aimed at this user.
 */
export function foldSafety(userId: string, events: readonly Event[], aboutUser: readonly Event[] = []): SafetyRules {
  const ordered = [...events].sort(byTimeThenId);
  const muted = new Set<string>(), blocked = new Set<string>(), words = new Set<string>();
  const negativePosts: { post: string; type: keyof typeof DAMPING; source?: string }[] = [];
  for (const e of ordered) {
    if (e.user !== userId) continue;
    switch (e.type) {
      case 'mute':
      case 'unmute': {
        const on = e.type === 'mute';
        if (e.target_user !== undefined) toggle(muted, e.target_user, on);
        else if (e.text !== undefined) toggle(words, normalizeMutedWord(e.text), on);
        break;
      }
      case 'block':
      case 'unblock':
        if (e.target_user !== undefined) toggle(blocked, e.target_user, e.type === 'block');
        break;
      case 'report':
        if (e.post === undefined && e.target_user !== undefined) muted.add(e.target_user);
        if (e.post !== undefined) negativePosts.push({ post: e.post, type: 'report' });
        break;
      case 'hide':
      case 'show_less':
        if (e.post !== undefined) negativePosts.push({ post: e.post, type: e.type, ...(e.type === 'show_less' && e.text ? { source: e.text } : {}) });
        break;
      default:
        break;
    }
  }
  const blockedBy = new Set<string>();
  for (const e of [...aboutUser].sort(byTimeThenId)) {
    if (e.target_user === userId && e.user !== userId && (e.type === 'block' || e.type === 'unblock')) toggle(blockedBy, e.user, e.type === 'block');
  }
  return { userId, muted, blocked, blockedBy, hiddenAuthors: new Set([...muted, ...blocked, ...blockedBy]), mutedWords: [...words], negativePosts };
}

function toggle(set: Set<string>, key: string, on: boolean): void {
  if (on) set.add(key);
  else set.delete(key);
}

/** Words of a text as muting compares them: lower-case runs of letters, digits, '_' and '#', and the text itself for phrases. */
function words(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^\p{L}\p{N}_#']+/u).filter((w) => w !== ''));
}

/**
 * Whether a muted word or #hashtag hits a post: "#cats" hits the tag cats (or a "#cats" in the text); "cats" hits
 * the tag too, and the word cats in the text; a phrase of several words hits where the text contains it.
 */
export function mutedWordHits(mutedWords: readonly string[], post: Pick<PostInfo, 'text' | 'tags'>): boolean {
  if (mutedWords.length === 0) return false;
  const textWords = words(post.text);
  const tags = new Set(post.tags.map((t) => t.replace(/^#/, '').toLowerCase()));
  const lowerText = post.text.toLowerCase();
  for (const w of mutedWords) {
    const bare = w.replace(/^#/, '');
    if (tags.has(bare) || textWords.has(w) || (w.startsWith('#') ? false : textWords.has(`#${w}`))) return true;
    if (/\s/.test(w) && lowerText.includes(w)) return true;
  }
  return false;
}

/** Whether the rules keep this post from the user: its author is muted or blocked, or a muted word hits it. */
export function hidesPost(rules: SafetyRules, post: Pick<PostInfo, 'author' | 'text' | 'tags'>): boolean {
  return rules.hiddenAuthors.has(post.author) || mutedWordHits(rules.mutedWords, post);
}

/** The user's negative profile: a multiplier per author, tag and source, each the product of the signals on it. */
export interface NegativeProfile {
  authors: Map<string, number>;
  tags: Map<string, number>;
  sources: Map<string, number>;
}

/** Resolves the rules' negative signals to authors and tags through `info` (posts it cannot find are skipped). */
export function negativeProfile(rules: SafetyRules, info: (postId: string) => Pick<PostInfo, 'author' | 'tags'> | undefined): NegativeProfile {
  const profile: NegativeProfile = { authors: new Map(), tags: new Map(), sources: new Map() };
  const damp = (m: Map<string, number>, key: string, f: number): void => {
    if (f < 1) m.set(key, (m.get(key) ?? 1) * f);
  };
  for (const n of rules.negativePosts) {
    const d = DAMPING[n.type];
    const post = info(n.post);
    if (post) {
      damp(profile.authors, post.author, d.author);
      for (const t of new Set(post.tags.map(tagKey))) damp(profile.tags, t, d.tag);
    }
    if (n.source !== undefined) damp(profile.sources, n.source, d.source);
  }
  return profile;
}

function tagKey(tag: string): string {
  return tag.replace(/^#/, '').toLowerCase();
}

/** The multiplier of a post's score under the profile: author × each distinct tag × its sources' best, floored. */
export function dampingOf(profile: NegativeProfile, post: Pick<PostInfo, 'author' | 'tags'>, sources: readonly string[] = []): number {
  if (profile.authors.size === 0 && profile.tags.size === 0 && profile.sources.size === 0) return 1;
  let f = profile.authors.get(post.author) ?? 1;
  for (const t of new Set(post.tags.map(tagKey))) f *= profile.tags.get(t) ?? 1;
  if (sources.length > 0) f *= Math.max(...sources.map((s) => profile.sources.get(s) ?? 1));
  return Math.max(DAMPING_FLOOR, f);
}

/** The user's rules as the Store holds them now (every safety event of theirs, read at each request). */
export async function loadSafety(store: Store, userId: string): Promise<SafetyRules> {
  const [own, about] = await Promise.all([store.userEvents(userId, { types: SAFETY_EVENT_TYPES }), store.eventsAbout(userId, { types: ['block', 'unblock'] })]);
  return foldSafety(userId, own, about);
}

/**
 * Refuses a batch (MUTED_WORDS_LIMIT, before anything is written) that would take a user's muted words and
 * #hashtags over `LIMITS.mutedWords`: each user's stored rules folded with their events of the batch.
 */
export async function checkMutedWordLimit(store: Store, events: readonly Event[]): Promise<void> {
  const byUser = new Map<string, Event[]>();
  for (const e of events) {
    if ((e.type === 'mute' || e.type === 'unmute') && e.text !== undefined) byUser.set(e.user, [...(byUser.get(e.user) ?? []), e]);
  }
  for (const [user, batch] of byUser) {
    const stored = await store.userEvents(user, { types: ['mute', 'unmute'] });
    const count = foldSafety(user, [...stored, ...batch]).mutedWords.length;
    if (count > LIMITS.mutedWords) throw createError('MUTED_WORDS_LIMIT', { user, count, limit: LIMITS.mutedWords });
  }
}

/**
 * Ids of the posts a viewer must not see among these: taken down (for everyone), or hidden by the viewer's rules
 * (none when `rules` is undefined: an anonymous read). One Store read.
 */
export async function hiddenPosts(store: Store, rules: SafetyRules | undefined, posts: readonly Pick<Post, 'id' | 'author' | 'text' | 'tags'>[]): Promise<Set<string>> {
  const hidden = await store.takenDown(posts.map((p) => p.id));
  if (rules) for (const p of posts) if (hidesPost(rules, p)) hidden.add(p.id);
  return hidden;
}

/** A hydrated page as the viewer may see it: hidden posts dropped, a hidden parent taken off its reply. */
export async function visibleItems(store: Store, rules: SafetyRules | undefined, items: readonly HydratedItem[]): Promise<HydratedItem[]> {
  if (items.length === 0) return [];
  const hidden = await hiddenPosts(store, rules, items.flatMap((i) => (i.parent ? [i.post, i.parent] : [i.post])));
  return items.flatMap((i) => {
    if (hidden.has(i.postId)) return [];
    if (i.parent && hidden.has(i.parent.id)) {
      const { parent: _parent, ...rest } = i;
      return [rest];
    }
    return [i];
  });
}
