/**
 * Negative feedback acts at once, as a property over random graphs: after a random mute, block, muted word or
 * #hashtag (aimed, when possible, at what the viewer was just shown), the viewer's very next request of every list
 * (For You pages, a page of a list ranked before the mute, the Following feed, replies, who-to-follow) holds
 * nothing the rules hide. Also: takedowns for everyone, threads, the Following feed's order, and show-less damping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/core/rng.js';
import type { EventInput, FollowInput, PostInput, UserInput } from '../../src/data/schemas.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { FollowSuggestion } from '../../src/engine/who-to-follow.js';
import { hidesPost, type SafetyRules } from '../../src/feed/safety.js';
import type { HydratedItem } from '../../src/feed/types.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;
const WORDS = ['pasta', 'goal', 'jazz', 'rain', 'vote', 'chess', 'film', 'code'];
const TAGS = ['cooking', 'football', 'music', 'weather', 'politics', 'games'];

interface Graph { users: UserInput[]; posts: PostInput[]; follows: FollowInput[]; events: EventInput[] }

/** A random social graph: follows with probability 0.15, 4 posts each (a third of them replies), random likes. */
function randomGraph(rng: Rng, nUsers: number): Graph {
  const users = Array.from({ length: nUsers }, (_, i) => ({ id: `u${i}` }));
  const follows: FollowInput[] = [];
  for (let a = 0; a < nUsers; a++) for (let b = 0; b < nUsers; b++) if (a !== b && rng.next() < 0.15) follows.push({ follower: `u${a}`, followee: `u${b}` });
  const posts: PostInput[] = [];
  for (let k = 0; k < nUsers * 4; k++) {
    const author = `u${rng.int(nUsers)}`;
    const words = [WORDS[rng.int(WORDS.length)]!, WORDS[rng.int(WORDS.length)]!];
    const tag = TAGS[rng.int(TAGS.length)]!;
    const replyTo = k > 10 && rng.next() < 0.33 ? `p${rng.int(k)}` : undefined;
    posts.push({ id: `p${k}`, author, text: `about ${words.join(' and ')} today #${tag}`, created_at: T0 + k * MIN, tags: [tag], ...(replyTo ? { reply_to: replyTo } : {}) });
  }
  const events: EventInput[] = [];
  for (let k = 0; k < nUsers * 12; k++) {
    const post = posts[rng.int(posts.length)]!;
    const user = `u${rng.int(nUsers)}`;
    if (user !== post.author) events.push({ id: `like${k}`, user, type: 'like', post: post.id, timestamp: T0 + (posts.length + k) * MIN });
  }
  return { users, posts, follows, events };
}

let engine: Engine;
let graph: Graph;
let clock = T0 + 10_000 * MIN;

beforeAll(async () => {
  engine = await createEngine({
    clock: () => clock,
    overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: false, behavior: false }, feed: { materializeUsers: 0, pageSize: 6, exploration: { every: 0 } } },
  });
  graph = randomGraph(createRng(7), 30);
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, graph[kind]);
  await engine.train({ save: false });
});

afterAll(() => engine.close());

let seq = 0;
const act = (e: Omit<EventInput, 'id' | 'timestamp'>): Promise<unknown> => engine.ingest('events', [{ ...e, id: `act${seq++}`, timestamp: (clock += MIN) } as EventInput]);

function violations(rules: SafetyRules, items: readonly HydratedItem[]): string[] {
  const out: string[] = [];
  for (const it of items) {
    if (hidesPost(rules, it.post)) out.push(`${it.postId} by ${it.post.author}`);
    if (it.parent && hidesPost(rules, it.parent)) out.push(`parent ${it.parent.id} by ${it.parent.author}`);
  }
  return out;
}

/** Every list the viewer can read, on their next request; a cursor ranked before the action is read too. */
async function everyList(viewer: string, cursor: string | undefined): Promise<{ items: HydratedItem[]; suggestions: FollowSuggestion[] }> {
  const items: HydratedItem[] = [];
  const first = await engine.feed(viewer);
  items.push(...first.items);
  if (cursor) items.push(...(await engine.feed(viewer, { cursor })).items);
  items.push(...(await engine.followingFeed(viewer)).items);
  for (const p of graph.posts.filter((p) => p.reply_to).slice(0, 8)) items.push(...(await engine.replies(p.reply_to!, { viewer })).items);
  return { items, suggestions: await engine.whoToFollow(viewer, { limit: 10 }) };
}

describe('negative feedback is honoured on the next request', () => {
  it('over 60 random actions on a random graph, no list of the viewer shows what their rules hide', async () => {
    const rng = createRng(11);
    let cases = 0, honoured = 0, aimedAtShown = 0;
    const failures: string[] = [];
    for (let c = 0; c < 60; c++) {
      const viewer = `u${rng.int(graph.users.length)}`;
      // What the viewer sees now (and a cursor into that ranked list).
      const before = await engine.feed(viewer);
      const shown = [...before.items, ...(await engine.followingFeed(viewer)).items].filter((i) => i.post.author !== viewer);
      const pick = shown.length > 0 && rng.next() < 0.8 ? shown[rng.int(shown.length)]! : undefined;
      if (pick) aimedAtShown++;
      const kind = rng.int(4);
      const other = pick?.post.author ?? `u${(Number(viewer.slice(1)) + 1 + rng.int(graph.users.length - 1)) % graph.users.length}`;
      if (kind === 0) await act({ user: viewer, type: 'mute', target_user: other });
      else if (kind === 1) await act({ user: viewer, type: 'block', target_user: other });
      else if (kind === 2) await act({ user: viewer, type: 'mute', text: pick ? pick.post.text.split(' ')[1]! : WORDS[rng.int(WORDS.length)]! });
      else await act({ user: viewer, type: 'mute', text: `#${pick ? pick.post.tags[0]! : TAGS[rng.int(TAGS.length)]!}` });
      const rules = await engine.safety(viewer);
      const { items, suggestions } = await everyList(viewer, before.nextCursor);
      const bad = violations(rules, items);
      for (const s of suggestions) {
        if (rules.hiddenAuthors.has(s.userId)) bad.push(`suggested ${s.userId}`);
        for (const p of s.proof) for (const u of p.kind === 'followed-by' ? p.users : []) if (rules.hiddenAuthors.has(u)) bad.push(`proof names ${u}`);
      }
      cases++;
      if (bad.length === 0) honoured++;
      else failures.push(`case ${c} (${viewer}, kind ${kind}): ${bad.join(', ')}`);
      // Undo now and then, so the graph does not run out of visible authors; an unmute shows them again.
      if (rng.next() < 0.3) for (const u of rules.muted) await act({ user: viewer, type: 'unmute', target_user: u });
    }
    expect(failures).toEqual([]);
    expect(honoured / cases).toBe(1);
    // The property is not vacuous: most actions hid something the viewer had just been shown.
    expect(aimedAtShown).toBeGreaterThan(30);
  });

  it('an unmute brings the author back', async () => {
    const viewer = 'newcomer';
    await engine.ingest('users', [{ id: viewer }]);
    await engine.ingest('follows', ['u0', 'u1', 'u2', 'u3'].map((followee) => ({ follower: viewer, followee })));
    const author = (await engine.followingFeed(viewer)).items[0]?.post.author;
    expect(author).toBeDefined();
    await act({ user: viewer, type: 'mute', target_user: author! });
    expect((await engine.followingFeed(viewer)).items.some((i) => i.post.author === author)).toBe(false);
    await act({ user: viewer, type: 'unmute', target_user: author! });
    expect((await engine.followingFeed(viewer)).items.some((i) => i.post.author === author)).toBe(true);
  });
});

describe('named errors', () => {
  it('refuses following, muting or blocking yourself, blocking an unknown user, a muted word list over the limit', async () => {
    await expect(engine.ingest('follows', [{ follower: 'u1', followee: 'u1' }])).rejects.toMatchObject({ statusCode: 400 });
    await expect(act({ user: 'u1', type: 'block', target_user: 'u1' })).rejects.toMatchObject({ code: 'INVALID_INPUT', statusCode: 400 });
    await expect(act({ user: 'u1', type: 'mute', target_user: 'u1' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(act({ user: 'u1', type: 'block', target_user: 'nobody' })).rejects.toMatchObject({ code: 'UNKNOWN_REFERENCE', statusCode: 422 });
    const words = Array.from({ length: 201 }, (_, k) => ({ id: `w${k}`, user: 'u2', type: 'mute' as const, text: `word${k}`, timestamp: clock }));
    await expect(engine.ingest('events', words)).rejects.toMatchObject({ code: 'MUTED_WORDS_LIMIT', statusCode: 422 });
    expect((await engine.safety('u2')).mutedWords.filter((w) => w.startsWith('word'))).toEqual([]);
    await engine.ingest('events', words.slice(0, 200));
    await expect(act({ user: 'u2', type: 'mute', text: 'one more' })).rejects.toMatchObject({ code: 'MUTED_WORDS_LIMIT' });
  });
});
