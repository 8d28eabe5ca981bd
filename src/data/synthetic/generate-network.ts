/**
 * @module `generateNetwork(config)`: a synthetic social network with planted, recoverable structure.
 *
 * The generative story (formulas in each module):
 * 1. Users (population.ts): interests θ_u ~ Dirichlet(α·1_T), α = 0.1; activity a_u log-normal with mean 1;
 *    fame f_u ~ Pareto(1, 1.6); preferred hour h_u; a readable unique handle.
 * 2. Follows (follow-graph.ts): out-degree k_u discrete log-normal (mean 30); followees drawn
 *    ∝ fame × (0.15 + 0.85·cos(θ_u, θ_v)) through per-topic alias tables: homophily and celebrity hubs.
 * 3. Posts (posts.ts, post-text.ts): author ∝ a_u, time from the author's daily cycle, topic z ~ θ_author,
 *    sentiment s ∈ {−1, 0, +1}, quality q ~ LogNormal(0, 0.8²); text of 8–25 words, 70% from the topic,
 *    with sentiment words (and negations), hashtags, mentions of followees and emoji.
 * 3b. Replies (only with `replyRate` > 0, from their own random stream): a share of posts get one reply by another
 *    user within the hour, answering the parent's topic words with their planted answer words (post-text.ts).
 * 4. Events (event-stream.ts, engagement.ts): feed sessions expose recent posts from followees, popular and
 *    random sources; π = σ(β₀ + β₁·θ_u[z_p] + β₂·follows(u, a_p) + β₃·ln q_p) drives like/comment/share,
 *    low interest drives hide/report, dwell grows with π.
 *
 * Only latent typed arrays are held (≈ 400 B per user at the defaults); text and events are written while
 * `batches()` streams them, so a million users stay within a few hundred MB. Every draw comes from
 * `createRng(seed)` streams forked in a fixed order: the same config gives byte-identical batches, and
 * `batches()` can be iterated again with the same result.
 */
import { createRng } from '../../core/rng.js';
import type { Follow, Post, User } from '../schemas.js';
import type { WriteBatch } from '../rows.js';
import { expectedViews, simulateEvents } from './event-stream.js';
import { buildFollowGraph, type FollowGraph } from './follow-graph.js';
import { buildTruth, writeTruth, type PlantedTruth } from './planted-truth.js';
import { createPopulation, userHandle, type Population } from './population.js';
import { writePostText, writeReplyText } from './post-text.js';
import { createPosts, type PostLatents } from './posts.js';
import { resolveSyntheticConfig, type ResolvedSyntheticConfig, type SyntheticConfig } from './synthetic-config.js';
import { TOPICS, type TopicVocabulary } from './vocabulary.js';

export interface SyntheticNetwork {
  readonly config: ResolvedSyntheticConfig;
  readonly topics: readonly TopicVocabulary[];
  readonly counts: { readonly users: number; readonly posts: number; readonly follows: number };
  /** Rough number of rows `batches()` yields in all (events estimated), for progress bars. */
  readonly expectedRows: number;
  /** The latent arrays (read-only by convention): for tests and evaluation against the planted truth. */
  readonly latent: { readonly population: Population; readonly posts: PostLatents; readonly follows: FollowGraph };
  /** Streams users, then posts (chronological), follows, then events in ascending time, `batchSize` rows each. */
  batches(): Generator<WriteBatch>;
  truth(): PlantedTruth;
  /** Writes `truth()` as JSON at `path` and θ beside it (`*.theta.safetensors`), atomically. */
  writeTruth(path: string): void;
}

/** Probability that a post @mentions one of its author's followees. */
export const MENTION_RATE = 0.15;
/** Users joined up to this long before the period; follows were made up to this long before it. */
const USER_HISTORY_MS = 2 * 365 * 86_400_000;
const FOLLOW_HISTORY_MS = 365 * 86_400_000;

export function generateNetwork(config: SyntheticConfig = {}): SyntheticNetwork {
  const cfg = resolveSyntheticConfig(config);
  const master = createRng(cfg.seed);
  const population = createPopulation(cfg, master.fork());
  const graph = buildFollowGraph(population, cfg, master.fork());
  const posts = createPosts(population, cfg, master.fork());
  const textSeed = master.uint32();
  const eventSeed = master.uint32();
  const metaSeed = master.uint32();
  // Drawn last, so the streams above (and every planted quantity) are those of a network without replies.
  const replySeed = master.uint32();
  const topics = TOPICS.slice(0, cfg.topics);
  const counts = { users: population.size, posts: posts.size, follows: graph.indices.length };
  const handle = (u: number): string => userHandle(u, topics[population.topTopic[u]!]!.name);

  function* batches(): Generator<WriteBatch> {
    const B = cfg.batchSize;
    const meta = createRng(metaSeed);
    let users: User[] = [];
    for (let u = 0; u < population.size; u++) {
      users.push({ id: `u${u}`, name: handle(u), created_at: cfg.start - 1000 * Math.floor((meta.next() * USER_HISTORY_MS) / 1000) - 1000 });
      if (users.length === B) {
        yield { users };
        users = [];
      }
    }
    if (users.length) yield { users };

    const text = createRng(textSeed);
    const replyRng = createRng(replySeed);
    const replied: { parent: number; text: string }[] = [];
    let batch: Post[] = [];
    for (let p = 0; p < posts.size; p++) {
      const a = posts.author[p]!;
      const f0 = graph.indptr[a]!, deg = graph.indptr[a + 1]! - f0;
      const mention = deg > 0 && text.next() < MENTION_RATE ? handle(graph.indices[f0 + text.int(deg)]!) : undefined;
      const sentiment = posts.sentiment[p] as -1 | 0 | 1;
      const body = writePostText(text, { topic: topics[posts.topic[p]!]!, sentiment, ...(mention === undefined ? {} : { mention }) });
      batch.push({ id: `p${p}`, author: `u${a}`, text: body.text, created_at: cfg.start + posts.second[p]! * 1000, tags: body.tags, lang: 'en' });
      if (cfg.replyRate > 0 && replyRng.next() < cfg.replyRate) replied.push({ parent: p, text: body.text });
      if (batch.length === B) {
        yield { posts: batch };
        batch = [];
      }
    }
    if (batch.length) yield { posts: batch };
    for (let s = 0; s < replied.length; s += B) yield { posts: replied.slice(s, s + B).map((r, k) => replyPost(s + k, r.parent, r.text, replyRng)) };

    let fb: Follow[] = [];
    for (let u = 0; u < population.size; u++) {
      for (let k = graph.indptr[u]!; k < graph.indptr[u + 1]!; k++) {
        fb.push({ follower: `u${u}`, followee: `u${graph.indices[k]!}`, created_at: cfg.start - 1000 - Math.floor(meta.next() * FOLLOW_HISTORY_MS) });
        if (fb.length === B) {
          yield { follows: fb };
          fb = [];
        }
      }
    }
    if (fb.length) yield { follows: fb };

    for (const events of simulateEvents({ config: cfg, population, posts, graph, topics }, createRng(eventSeed))) yield { events };
  }

  /** Reply `k` to post `parent`: by another user, 1 min to 1 h later, answering the parent (post-text.ts). */
  function replyPost(k: number, parent: number, parentText: string, rng: ReturnType<typeof createRng>): Post {
    const a = posts.author[parent]!;
    let author = rng.int(population.size - 1);
    if (author >= a) author++;
    const text = writeReplyText(rng, topics[posts.topic[parent]!]!, parentText, posts.sentiment[parent] as -1 | 0 | 1);
    const created = cfg.start + posts.second[parent]! * 1000 + 60_000 * (1 + rng.int(60));
    return { id: `r${k}`, author: `u${author}`, text, created_at: created, tags: [], reply_to: `p${parent}`, lang: 'en' };
  }

  const truthSource = { config: cfg, topics, population, posts, followCount: counts.follows };
  return {
    config: cfg,
    topics,
    counts,
    // ≈ 2.1 events per view at the defaults (view, dwell ≈ 0.75, engagement and negatives ≈ 0.35).
    expectedRows: counts.users + counts.posts + Math.round(counts.posts * cfg.replyRate) + counts.follows + Math.round(2.1 * expectedViews(cfg)),
    latent: { population, posts, follows: graph },
    batches,
    truth: () => buildTruth(truthSource),
    writeTruth: (path) => writeTruth(path, truthSource),
  };
}
