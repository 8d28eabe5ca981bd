import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { ResonateError } from '../../core/errors.js';
import { loadSafetensors } from '../../nn/safetensors.js';
import { eventSchema, followSchema, postSchema, userSchema, type Event, type Follow, type Post, type User } from '../schemas.js';
import { generateNetwork, type SyntheticNetwork } from './generate-network.js';
import { DEMO_NETWORK, type SyntheticConfig } from './synthetic-config.js';

function collect(net: SyntheticNetwork): { users: User[]; posts: Post[]; follows: Follow[]; events: Event[]; kinds: string[] } {
  const out = { users: [] as User[], posts: [] as Post[], follows: [] as Follow[], events: [] as Event[], kinds: [] as string[] };
  for (const b of net.batches()) {
    const kinds = Object.keys(b);
    expect(kinds).toHaveLength(1);
    out.kinds.push(kinds[0]!);
    out.users.push(...(b.users ?? []));
    out.posts.push(...(b.posts ?? []));
    out.follows.push(...(b.follows ?? []));
    out.events.push(...(b.events ?? []));
  }
  return out;
}

function digest(config: SyntheticConfig): string {
  const h = createHash('sha256');
  for (const b of generateNetwork(config).batches()) h.update(JSON.stringify(b));
  return h.digest('hex');
}

const small: SyntheticConfig = { users: 200, seed: 11, days: 10 };
const net = generateNetwork(small);
const rows = collect(net);

describe('generateNetwork: output', () => {
  it('is byte-identical for the same seed, different for another seed, and repeatable per network', () => {
    const a = digest(small);
    expect(digest(small)).toBe(a);
    expect(digest({ ...small, seed: 12 })).not.toBe(a);
    const h = createHash('sha256');
    for (const b of net.batches()) h.update(JSON.stringify(b));
    expect(h.digest('hex')).toBe(a);
  });

  it('emits users, then posts, follows and events, each row valid against the domain schemas', () => {
    const order = ['users', 'posts', 'follows', 'events'];
    const ranks = rows.kinds.map((k) => order.indexOf(k));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    expect(rows.users).toHaveLength(200);
    expect(rows.posts).toHaveLength(net.counts.posts);
    expect(rows.follows).toHaveLength(net.counts.follows);
    expect(rows.posts.length).toBe(2000); // 10 per user
    expect(rows.events.length).toBeGreaterThan(5000);
    // Rows are already normalised, so parsing changes nothing.
    const changed = (schema: { parse(x: unknown): unknown }, list: readonly object[]): object[] =>
      list.filter((row) => JSON.stringify(schema.parse(row)) !== JSON.stringify(row));
    expect(changed(userSchema, rows.users)).toEqual([]);
    expect(changed(postSchema, rows.posts)).toEqual([]);
    expect(changed(followSchema, rows.follows)).toEqual([]);
    expect(changed(eventSchema, rows.events)).toEqual([]);
  });

  it('keeps references consistent: unique ids, known users and posts, events after the post exists', () => {
    const userIds = new Set(rows.users.map((u) => u.id));
    expect(userIds.size).toBe(rows.users.length);
    expect(new Set(rows.users.map((u) => u.name)).size).toBe(rows.users.length);
    const postTime = new Map(rows.posts.map((p) => [p.id, p.created_at] as const));
    expect(postTime.size).toBe(rows.posts.length);
    expect(rows.posts.filter((p) => !userIds.has(p.author))).toEqual([]);
    expect(rows.follows.filter((f) => f.follower === f.followee || !userIds.has(f.followee) || !userIds.has(f.follower))).toEqual([]);
    expect(new Set(rows.follows.map((f) => `${f.follower}>${f.followee}`)).size).toBe(rows.follows.length);
    expect(rows.events.filter((e, n) => e.id !== `e${n}` || !userIds.has(e.user) || !(e.timestamp > postTime.get(e.post!)!))).toEqual([]);
  });

  it('orders posts by creation time and events by timestamp, inside the simulated period', () => {
    const start = net.config.start, end = start + net.config.days * 86_400_000;
    expect(rows.posts.filter((p, i) => i > 0 && p.created_at < rows.posts[i - 1]!.created_at)).toEqual([]);
    expect(rows.events.filter((e, i) => i > 0 && e.timestamp < rows.events[i - 1]!.timestamp)).toEqual([]);
    expect(rows.posts[0]!.created_at).toBeGreaterThanOrEqual(start);
    expect(rows.posts.at(-1)!.created_at).toBeLessThan(end);
    expect(rows.events[0]!.timestamp).toBeGreaterThan(start);
  });

  it('streams in bounded batches: never more than batchSize rows per batch', () => {
    const tiny = generateNetwork({ ...small, batchSize: 97 });
    let n = 0, full = 0;
    for (const b of tiny.batches()) {
      const size = (b.users ?? b.posts ?? b.follows ?? b.events ?? []).length;
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThanOrEqual(97);
      if (size === 97) full++;
      n++;
    }
    expect(full).toBeGreaterThan(n - 5); // only each kind's last batch is short
    // The default stays at about 5,000 rows.
    const sizes = collect(net).kinds.length;
    expect(sizes).toBeLessThan((rows.users.length + rows.posts.length + rows.follows.length + rows.events.length) / 5000 + 5);
  });

  it('writes a JSON-serialisable planted truth and θ beside it', () => {
    const truth = net.truth();
    expect(truth.userTopics).toHaveLength(200);
    expect(truth.postTopic).toHaveLength(net.counts.posts);
    expect(truth.postSentiment).toHaveLength(net.counts.posts);
    expect(truth.topics.map((t) => t.name)).toContain('cooking');
    expect(JSON.parse(JSON.stringify(truth))).toEqual(truth);
    const dir = mkdtempSync(join(tmpdir(), 'resonate-synthetic-'));
    try {
      const path = join(dir, 'truth.json');
      net.writeTruth(path);
      const read = JSON.parse(readFileSync(path, 'utf8')) as typeof truth;
      expect(read).toEqual({ ...truth, thetaFile: 'truth.theta.safetensors' });
      const { tensors } = loadSafetensors(join(dir, read.thetaFile!));
      expect(tensors.theta!.shape).toEqual([200, net.config.topics]);
      expect(Array.from(tensors.theta!.data)).toEqual(Array.from(net.latent.population.theta));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects invalid configuration with a coded error naming the field', () => {
    expect(() => generateNetwork({ users: 0 })).toThrow(ResonateError);
    expect(() => generateNetwork({ users: 10, topics: 99 })).toThrow(/synthetic\.topics/);
    expect(DEMO_NETWORK).toEqual({ users: 2000, seed: 42 });
  });
});

describe('generateNetwork: replies (replyRate)', () => {
  const withReplies = collect(generateNetwork({ ...small, replyRate: 0.3 }));
  const replies = withReplies.posts.filter((p) => p.reply_to !== undefined);

  it('adds replies and leaves every other row and the planted truth as without them', () => {
    expect(replies.length).toBeGreaterThan(0.2 * rows.posts.length);
    expect(replies.length).toBeLessThan(0.4 * rows.posts.length);
    expect(withReplies.posts.filter((p) => p.reply_to === undefined)).toEqual(rows.posts);
    expect(withReplies.users).toEqual(rows.users);
    expect(withReplies.follows).toEqual(rows.follows);
    expect(withReplies.events).toEqual(rows.events);
    const { config: _c1, ...truthWith } = generateNetwork({ ...small, replyRate: 0.3 }).truth();
    const { config: _c2, ...truthWithout } = net.truth();
    expect(JSON.stringify(truthWith) === JSON.stringify(truthWithout)).toBe(true);
  });

  it('answers the parent\'s topic words with their planted answer words, by another user, after it', () => {
    const parents = new Map(rows.posts.map((p) => [p.id, p]));
    const { posts: latents } = net.latent;
    let answered = 0, withTopicWords = 0;
    for (const r of replies) {
      expect(postSchema.safeParse(r).success).toBe(true);
      const parent = parents.get(r.reply_to!)!;
      expect(r.author).not.toBe(parent.author);
      expect(r.created_at).toBeGreaterThan(parent.created_at);
      const topic = net.topics[latents.topic[Number(parent.id.slice(1))]!]!;
      const asked = parent.text!.split(' ').filter((w) => topic.words.includes(w));
      if (asked.length === 0) continue;
      withTopicWords++;
      const expected = new Set(asked.map((w) => topic.words[(topic.words.indexOf(w) + topic.words.length / 2) % topic.words.length]));
      if (r.text!.split(' ').some((w) => expected.has(w))) answered++;
    }
    expect(answered).toBe(withTopicWords);
  });
});
