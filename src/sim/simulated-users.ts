/**
 * @module The simulated users of a synthetic network: when they open the app and how they answer a post shown
 * to them. Every response comes from the generator's own planted preference model
 * (`src/data/synthetic/engagement.ts`), with the network's own θ, follows and post qualities:
 *
 *   sessions of user u on a day  ~ Poisson(sessionsPerDay · a_u), each at an hour of u's daily cycle
 *   posts looked at in a session = 1 + Poisson(exposuresPerSession − 1), read down the page in order; then u leaves
 *   π = σ(β₀ + β₁·θ_u[z_p] + β₂·[u follows a_p] + β₃·ln q_p)
 *   like ~ π, comment ~ 0.25·π, share ~ 0.12·π, hide ~ 0.06·(1 − θ_u[z_p])⁴ (when not liked), report ~ 0.005·(…)⁴
 *   dwell seconds = exp(ln(2 + 25·π) + 0.5·ε), logged when ≥ 3 s
 *
 * Interest drift (the one addition to the generator's story, since the generator's θ is fixed): at the start of
 * each simulated day, each user with probability `driftRate` takes up a topic t drawn uniformly,
 * θ_u ← (1 − driftStep)·θ_u + driftStep·e_t (θ_u stays a distribution). The network's own θ is not modified.
 */
import type { Rng } from '../core/rng.js';
import type { Event } from '../data/schemas.js';
import { sampleActionHour } from '../data/synthetic/daily-cycle.js';
import { DWELL, ENGAGEMENT_RATES, engagementScore, negativeProbabilities } from '../data/synthetic/engagement.js';
import { poisson } from '../data/synthetic/event-stream.js';
import { follows } from '../data/synthetic/follow-graph.js';
import type { SyntheticNetwork } from '../data/synthetic/generate-network.js';
import { writeCommentText } from '../data/synthetic/post-text.js';

export interface DriftOptions {
  /** Probability per user per day of taking up a new topic (default 0.03: about one user in three over 30 days). */
  readonly driftRate: number;
  /** Share of θ_u moved onto the new topic (default 0.3). */
  readonly driftStep: number;
}

export const DEFAULT_DRIFT: DriftOptions = { driftRate: 0.03, driftStep: 0.3 };

export interface Session {
  /** User index. */
  readonly user: number;
  /** Start, epoch ms. */
  readonly start: number;
  /** Posts the user looks at before leaving. */
  readonly length: number;
}

/** What a user did with one post shown: the events to ingest (without ids) and the counts the simulator keeps. */
export interface Response {
  readonly events: Omit<Event, 'id'>[];
  readonly engaged: boolean;
  readonly hidden: boolean;
  /** Epoch ms when the user moves on to the next post. */
  readonly next: number;
}

/** P(like or comment or share) for engagement score π: the expected engaged impressions of one exposure. */
export function engagedProbability(pi: number): number {
  return 1 - (1 - pi * ENGAGEMENT_RATES.like) * (1 - pi * ENGAGEMENT_RATES.comment) * (1 - pi * ENGAGEMENT_RATES.share);
}

export class SimulatedUsers {
  /** θ as it drifts: users × T, row-major (a copy of the network's). */
  readonly theta: Float32Array;
  private readonly T: number;

  constructor(private readonly network: SyntheticNetwork, private readonly drift: DriftOptions = DEFAULT_DRIFT) {
    const pop = network.latent.population;
    this.theta = Float32Array.from(pop.theta);
    this.T = pop.topics;
  }

  get size(): number {
    return this.network.latent.population.size;
  }

  /** Applies one day of interest drift. */
  driftDay(rng: Rng): void {
    const { driftRate, driftStep } = this.drift;
    if (driftRate <= 0 || driftStep <= 0) return;
    for (let u = 0; u < this.size; u++) {
      if (rng.next() >= driftRate) continue;
      const t = rng.int(this.T), o = u * this.T;
      for (let k = 0; k < this.T; k++) this.theta[o + k] = (1 - driftStep) * this.theta[o + k]! + (k === t ? driftStep : 0);
    }
  }

  /** The sessions of one day starting at `dayStart`, in time order (ties by user). */
  sessionsOfDay(dayStart: number, rng: Rng): Session[] {
    const { population: pop } = this.network.latent;
    const cfg = this.network.config;
    const out: Session[] = [];
    for (let u = 0; u < pop.size; u++) {
      const count = poisson(rng, cfg.sessionsPerDay * pop.activity[u]!);
      for (let s = 0; s < count; s++) {
        const start = dayStart + Math.floor(sampleActionHour(rng, pop.preferredHour[u]!) * 3_600_000);
        out.push({ user: u, start, length: 1 + poisson(rng, cfg.exposuresPerSession - 1) });
      }
    }
    return out.sort((a, b) => a.start - b.start || a.user - b.user);
  }

  /** π of user u for post index p under the current θ. */
  engagementScore(u: number, p: number): number {
    const { posts, follows: graph } = this.network.latent;
    const interest = this.theta[u * this.T + posts.topic[p]!]!;
    return engagementScore(this.network.config.beta, interest, follows(graph, u, posts.author[p]!), posts.quality[p]!);
  }

  /** Expected engaged impressions of showing post p to user u. */
  expectedEngagement(u: number, p: number): number {
    return engagedProbability(this.engagementScore(u, p));
  }

  /** User u looks at post p at time `at` (the page answered `requestId`): their events, drawn from the planted model. */
  respond(u: number, p: number, at: number, requestId: string | undefined, rng: Rng): Response {
    const { posts } = this.network.latent;
    const pi = this.engagementScore(u, p);
    const interest = this.theta[u * this.T + posts.topic[p]!]!;
    const base = { user: `u${u}`, post: `p${p}`, ...(requestId === undefined ? {} : { request_id: requestId }) };
    const events: Omit<Event, 'id'>[] = [{ ...base, type: 'view', timestamp: at }];
    const dwell = Math.exp(Math.log(DWELL.base + DWELL.perScore * pi) + DWELL.sigma * rng.normal());
    const dwellMs = Math.max(1, Math.round(dwell * 1000));
    if (dwell >= DWELL.minLogged) events.push({ ...base, type: 'dwell', value: Math.round(dwell * 10) / 10, timestamp: at + dwellMs });
    const liked = rng.next() < pi * ENGAGEMENT_RATES.like;
    if (liked) events.push({ ...base, type: 'like', timestamp: at + 1 + rng.int(dwellMs) });
    let engaged = liked;
    if (rng.next() < pi * ENGAGEMENT_RATES.comment) {
      const topic = this.network.topics[posts.topic[p]!]!;
      events.push({ ...base, type: 'comment', text: writeCommentText(rng, topic, posts.sentiment[p] as -1 | 0 | 1), timestamp: at + dwellMs + 1 });
      engaged = true;
    }
    if (rng.next() < pi * ENGAGEMENT_RATES.share) {
      events.push({ ...base, type: 'share', timestamp: at + dwellMs + 1 });
      engaged = true;
    }
    const neg = negativeProbabilities(interest);
    const hidden = !liked && rng.next() < neg.hide;
    if (hidden) events.push({ ...base, type: 'hide', timestamp: at + dwellMs + 2 });
    if (rng.next() < neg.report) events.push({ ...base, type: 'report', timestamp: at + dwellMs + 3 });
    return { events, engaged, hidden, next: at + dwellMs + 1000 + rng.int(4000) };
  }
}
