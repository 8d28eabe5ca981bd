/**
 * @module `simulate`: the whole engine run closed-loop on a synthetic network, on simulated time.
 *
 * Setup: the network is generated over `historyDays + days` days (posts per user scaled so the daily post rate
 * stays the generator's). Users, follows, the posts of the history and the generator's own events of the history
 * are written to a fresh store; then every simulated day:
 *   1. interests drift (simulated-users.ts), and the engine retrains on everything stored (`engine.train`, not
 *      saved, no background models) — a daily retraining;
 *   2. the day's sessions run in time order: the posts written since are ingested once per simulated hour
 *      (`engine.ingest('posts')`), the user asks for a page (`engine.feed`), reads down it (asking for the next page
 *      when they read past it) and answers each post from the planted model; their events, carrying the page's
 *      `request_id`, are ingested at the session's end (`engine.ingest('events')`: online updates, cache drops).
 * The engine runs on a simulated clock (`EngineOptions.clock`): the feed's snapshot times and ages, the impression
 * log's `at` and ingest's future check read it, so 30 days run in minutes and stay deterministic for a seed.
 *
 * Per day the result counts impressions (posts looked at, not every post of a page), engagements (impressions
 * with a like, comment or share), hides and sessions, and, from the planted model's expected values: the policy's
 * expected engagements and the planted-optimal policy's (for each session, the same number of posts chosen by
 * highest expected engagement among the posts stored within the generator's `windowHours` and the posts the policy
 * showed, excluding the user's own and those they already looked at). Regret = oracle − policy.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRng, type Rng } from '../core/rng.js';
import { configSchema, type ResonateConfigInput } from '../core/config.js';
import type { Event, Post } from '../data/schemas.js';
import { generateNetwork, type SyntheticNetwork } from '../data/synthetic/generate-network.js';
import { lowerBound } from '../data/synthetic/posts.js';
import type { SyntheticConfig } from '../data/synthetic/synthetic-config.js';
import { createEngine, type Engine } from '../engine/create-engine.js';
import { mergeOverrides, type PolicySpec } from './policy-spec.js';
import { DEFAULT_DRIFT, SimulatedUsers, type DriftOptions, type Session } from './simulated-users.js';

const DAY_MS = 86_400_000;
/** The generator's default period (its `postsPerUser` is per 30 days). */
const GENERATOR_DAYS = 30;
/** Most posts one ingest call carries (the validator's cap on post batches). */
const POST_BATCH = 500;
/** New posts are ingested at most once per simulated hour (each post write makes the next ranking re-read the fresh pool). */
const POST_TICK_MS = 3_600_000;

export interface SimulateOptions {
  readonly policy: PolicySpec;
  readonly days: number;
  readonly seed: number;
  /** Users of the network (default 2,000, the default network). */
  readonly users?: number;
  /** Days of generator history written before the simulation starts (default 14). */
  readonly historyDays?: number;
  /** Folder for the store (`store.db`, the impression log included) and the models. */
  readonly dir: string;
  /** Posts per page (default 10). */
  readonly pageSize?: number;
  readonly drift?: DriftOptions;
  /** Further generator settings (e.g. `beta`), laid over the defaults. */
  readonly network?: Omit<SyntheticConfig, 'users' | 'seed' | 'days'>;
  /** Engine config overrides applied under the policy's (tests: smaller models). */
  readonly engine?: ResonateConfigInput;
  readonly onDay?: (day: SimulationDay) => void;
}

export interface SimulationDay {
  readonly day: number;
  readonly impressions: number;
  readonly engagements: number;
  readonly hides: number;
  readonly sessions: number;
  /** Σ P(engaged) of the posts looked at, from the planted model. */
  readonly expectedEngagements: number;
  /** Σ P(engaged) of the planted-optimal choice for the same sessions and lengths. */
  readonly oracleEngagements: number;
  /** oracleEngagements − expectedEngagements. */
  readonly regret: number;
  /** Seconds of wall time the day took (training included). */
  readonly seconds: number;
  /** CPU seconds of this process during the day (user + system; on a shared machine a steadier cost than wall time). */
  readonly cpuSeconds: number;
}

export interface SimulationResult {
  readonly policy: string;
  readonly seed: number;
  readonly setup: { users: number; posts: number; follows: number; historyDays: number; pageSize: number; drift: DriftOptions; store: string };
  readonly days: SimulationDay[];
  readonly totals: { impressions: number; engagements: number; engagementRate: number; hides: number; sessions: number; expectedEngagements: number; regret: number };
  readonly seconds: number;
  readonly cpuSeconds: number;
}

/** CPU seconds (user + system) of this process since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** The engine settings every simulated policy shares: simulated-time caches off, no background models. */
function simulationConfig(dir: string, seed: number, pageSize: number): ResonateConfigInput {
  return {
    store: { url: `sqlite://${join(dir, 'store.db')}` },
    seed,
    models: { dir: join(dir, 'models'), validate: false, ranker: false, behavior: false, retrainEvery: 0, tuneSeconds: 0 },
    // A page reused by wall-clock TTL would outlive simulated hours; materialization is a latency measure only.
    // The fresh pool is read at most every 15 simulated minutes (its default 5 s would read it at every request).
    feed: { pageSize, cacheTtlSeconds: 0, materializeUsers: 0, recipe: 'config', freshRefreshSeconds: 900 },
    log: { level: 'silent' },
  };
}

export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const t0 = performance.now(), cpu0 = process.cpuUsage();
  const historyDays = options.historyDays ?? 14;
  const pageSize = options.pageSize ?? 10;
  const drift = options.drift ?? DEFAULT_DRIFT;
  const totalDays = historyDays + options.days;
  const network = generateNetwork({
    postsPerUser: (10 * totalDays) / GENERATOR_DAYS,
    ...options.network,
    users: options.users ?? 2000,
    seed: options.seed,
    days: totalDays,
  });
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  for (const f of ['store.db', 'store.db-wal', 'store.db-shm', 'models']) rmSync(join(dir, f), { recursive: true, force: true });

  const simStart = network.config.start + historyDays * DAY_MS;
  let now = simStart;
  const overrides = mergeOverrides(mergeOverrides(simulationConfig(dir, options.seed, pageSize), options.engine ?? {}), options.policy.overrides);
  // The config is the defaults and these overrides only: no config file or environment changes a simulation.
  const engine = await createEngine({ config: configSchema.parse(overrides), clock: () => now });
  try {
    const upcoming = await writeHistory(engine, network, simStart);
    const loop = new ClosedLoop(engine, network, new SimulatedUsers(network, drift), upcoming, pageSize, (t) => (now = t));
    // Two streams: who comes when (sessions, drift) and how they answer. Sessions and drift then do not depend on
    // what a policy showed: two policies with the same seed face the same sessions (common random numbers).
    const master = createRng(options.seed ^ 0x5eed);
    const world = master.fork(), answers = master.fork();
    const days: SimulationDay[] = [];
    for (let d = 0; d < options.days; d++) {
      const day = await loop.runDay(d, simStart + d * DAY_MS, world, answers);
      days.push(day);
      options.onDay?.(day);
    }
    return { policy: options.policy.name, seed: options.seed, setup: { ...network.counts, historyDays, pageSize, drift, store: join(dir, 'store.db') }, days, totals: totalsOf(days), seconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSince(cpu0) };
  } finally {
    await engine.close();
  }
}

function totalsOf(days: readonly SimulationDay[]): SimulationResult['totals'] {
  const sum = (f: (d: SimulationDay) => number): number => days.reduce((s, d) => s + f(d), 0);
  const impressions = sum((d) => d.impressions), engagements = sum((d) => d.engagements);
  return {
    impressions,
    engagements,
    engagementRate: impressions > 0 ? engagements / impressions : 0,
    hides: sum((d) => d.hides),
    sessions: sum((d) => d.sessions),
    expectedEngagements: sum((d) => d.expectedEngagements),
    regret: sum((d) => d.regret),
  };
}

/** Writes users, follows, and the posts and events before `simStart`; returns the later posts, in time order. */
async function writeHistory(engine: Engine, network: SyntheticNetwork, simStart: number): Promise<Post[]> {
  const upcoming: Post[] = [];
  await engine.store.transaction(async (tx) => {
    for (const batch of network.batches()) {
      if (batch.posts) {
        const before = batch.posts.filter((p) => p.created_at < simStart);
        for (const p of batch.posts) if (p.created_at >= simStart) upcoming.push(p);
        if (before.length) await tx.write({ posts: before });
      } else if (batch.events) {
        const before = batch.events.filter((e) => e.timestamp < simStart);
        if (before.length) await tx.write({ events: before });
        if (before.length < batch.events.length) break; // events come in time order: the rest is later
      } else await tx.write(batch);
    }
  });
  return upcoming;
}

/** The engine and the simulated users, one session after another. */
class ClosedLoop {
  private nextPost = 0;
  private lastPostTick = -Infinity;
  /** Posts stored so far: post indices are chronological, so the stored ones are [0, storedPosts). */
  private storedPosts: number;
  private nextEvent = 0;
  /** Posts each user has looked at (the oracle does not show them again; the engine's seen filter does the same). */
  private readonly seen: Set<number>[];

  constructor(
    private readonly engine: Engine,
    private readonly network: SyntheticNetwork,
    private readonly users: SimulatedUsers,
    private readonly upcoming: readonly Post[],
    private readonly pageSize: number,
    private readonly setClock: (t: number) => void,
  ) {
    this.storedPosts = network.counts.posts - upcoming.length;
    this.seen = Array.from({ length: users.size }, () => new Set<number>());
  }

  /** Ingests the posts written up to `t` (at most once per POST_TICK_MS unless `force`). */
  private async postsUntil(t: number, force = false): Promise<void> {
    if (!force && t < this.lastPostTick + POST_TICK_MS) return;
    this.lastPostTick = t;
    const batch: Post[] = [];
    while (this.nextPost < this.upcoming.length && this.upcoming[this.nextPost]!.created_at <= t) batch.push(this.upcoming[this.nextPost++]!);
    for (let i = 0; i < batch.length; i += POST_BATCH) await this.engine.ingest('posts', batch.slice(i, i + POST_BATCH));
    this.storedPosts += batch.length;
  }

  async runDay(day: number, dayStart: number, world: Rng, answers: Rng): Promise<SimulationDay> {
    const t0 = performance.now(), cpu0 = process.cpuUsage();
    this.setClock(dayStart);
    await this.postsUntil(dayStart, true);
    this.users.driftDay(world);
    await this.engine.train({ save: false, secondary: false });
    const counts = { impressions: 0, engagements: 0, hides: 0, expected: 0, oracle: 0 };
    const sessions = this.users.sessionsOfDay(dayStart, world);
    for (const s of sessions) await this.runSession(s, answers, counts);
    return {
      day: day + 1,
      impressions: counts.impressions,
      engagements: counts.engagements,
      hides: counts.hides,
      sessions: sessions.length,
      expectedEngagements: counts.expected,
      oracleEngagements: counts.oracle,
      regret: counts.oracle - counts.expected,
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: cpuSince(cpu0),
    };
  }

  private async runSession(s: Session, rng: Rng, counts: { impressions: number; engagements: number; hides: number; expected: number; oracle: number }): Promise<void> {
    this.setClock(s.start);
    await this.postsUntil(s.start);
    const userId = `u${s.user}`;
    const events: Event[] = [];
    const viewed: number[] = [];
    let at = s.start;
    let cursor: string | undefined;
    while (viewed.length < s.length) {
      this.setClock(at);
      const page = await this.engine.feed(userId, { pageSize: this.pageSize, ...(cursor === undefined ? {} : { cursor }) });
      for (const item of page.items) {
        if (viewed.length >= s.length) break;
        const p = Number(item.postId.slice(1));
        const r = this.users.respond(s.user, p, at, page.requestId, rng);
        for (const e of r.events) events.push({ ...e, id: `s${this.nextEvent++}` } as Event);
        viewed.push(p);
        counts.impressions++;
        if (r.engaged) counts.engagements++;
        if (r.hidden) counts.hides++;
        at = r.next;
      }
      cursor = page.nextCursor;
      if (page.items.length === 0 || cursor === undefined) break;
    }
    if (viewed.length === 0) return;
    let policyValue = 0;
    for (const p of viewed) policyValue += this.users.expectedEngagement(s.user, p);
    counts.expected += policyValue;
    counts.oracle += Math.max(policyValue, this.oracleValue(s, viewed));
    for (const p of viewed) this.seen[s.user]!.add(p);
    let last = at;
    for (const e of events) if (e.timestamp > last) last = e.timestamp;
    this.setClock(last);
    await this.engine.ingest('events', events);
  }

  /** Σ of the `viewed.length` highest P(engaged) among the stored window posts and the posts shown. */
  private oracleValue(s: Session, viewed: readonly number[]): number {
    const { posts } = this.network.latent;
    const cfg = this.network.config;
    const x = (s.start - cfg.start) / 1000 - cfg.windowHours * 3600;
    const lo = lowerBound(posts.second, x, 0, this.storedPosts);
    const seen = this.seen[s.user]!;
    const m = viewed.length;
    const best: number[] = []; // ascending, at most m
    const offer = (v: number): void => {
      if (best.length === m && v <= best[0]!) return;
      let i = 0;
      while (i < best.length && best[i]! < v) i++;
      best.splice(i, 0, v);
      if (best.length > m) best.shift();
    };
    const shown = new Set(viewed);
    for (const p of viewed) offer(this.users.expectedEngagement(s.user, p));
    for (let p = lo; p < this.storedPosts; p++) {
      if (shown.has(p) || seen.has(p) || posts.author[p] === s.user) continue;
      offer(this.users.expectedEngagement(s.user, p));
    }
    return best.reduce((a, b) => a + b, 0);
  }
}
