/**
 * @module One configuration schema with every default in one place.
 *
 * Loaded as defaults → `resonate.config.json` (or the file given) → `RESONATE_*` environment variables →
 * validation. Each leaf has an environment name made from its path: `server.port` ↔ `RESONATE_SERVER_PORT`,
 * `weights.like` ↔ `RESONATE_WEIGHTS_LIKE`. Values in the environment are parsed as JSON when they parse,
 * as strings otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { createError } from './errors.js';

export const EVENT_TYPES = [
  'view', 'like', 'share', 'comment', 'follow', 'unfollow', 'hide', 'report', 'rating', 'dwell',
  // Safety: mute or block an account, mute a word or #hashtag, "show less like this" on a post (src/feed/safety.ts).
  'mute', 'unmute', 'block', 'unblock', 'show_less',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Key scopes: read < write < admin; `metrics` (GET /metrics only) stands apart, and admin includes it. */
const scopes = z.enum(['read', 'write', 'admin', 'metrics']);

/**
 * A model spec as written in a config: a registry id, the path of a JSON spec file (ending in `.json`, the format
 * of `resonate eval --models` files and of `resonate tune`'s best.json), or `{ id, params?, weight?, label? }`.
 * Checked against the model registry when the engine starts (src/models/model-spec.ts).
 */
const modelSpecEntry = z.union([
  z.string().min(1),
  z.looseObject({ id: z.string().min(1), params: z.record(z.string(), z.unknown()).optional(), weight: z.number().min(0).optional(), label: z.string().optional() }),
]);
export type ModelSpecConfigEntry = z.output<typeof modelSpecEntry>;

/** `hmac-sha256$<16-byte salt, base64url>$<32-byte digest, base64url>`: see src/api/api-keys.ts. */
export const API_KEY_HASH = /^hmac-sha256\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/;

const apiKeyEntry = z.strictObject({
  /** Plain-text keys were accepted before hashed keys; refuse them with a message saying what to do. */
  key: z.never({ error: 'plain-text keys are no longer accepted; run `resonate keys create --scopes …` and store its "hash" entry instead' }).optional(),
  hash: z.string().regex(API_KEY_HASH, 'expected "hmac-sha256$<salt>$<digest>" as printed by `resonate keys create`'),
  scopes: z.array(scopes).min(1),
  /** Shown in logs and used for the key's rate limit; never the secret. */
  name: z.string().min(1).max(100).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

/** JWS algorithms a user token may be signed with. `none` is not among them: unsigned tokens are never accepted. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'HS256', 'HS384', 'HS512'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

const oneOrMore = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * End-user tokens: JWTs issued by the application's own sign-in, verified with `jose` (src/api/user-tokens.ts).
 * Keys are public keys (PEM strings or JWK objects), a JWKS file read when the server starts, or a shared HMAC
 * secret (HS256/384/512; also from RESONATE_SERVER_USER_TOKENS_SECRET). Private keys are refused.
 */
const userTokensSchema = z
  .strictObject({
    /** Expected `iss`: one issuer or a list. */
    issuer: oneOrMore,
    /** Expected `aud`: the token must name this audience (or one of these). */
    audience: oneOrMore,
    /** Allowed `alg` values; default: HS256 with a secret, RS256, PS256, ES256 and EdDSA with public keys. */
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).optional(),
    publicKeys: z.array(z.union([z.string().min(1), z.looseObject({ kty: z.string().min(1) })])).default([]),
    jwksFile: z.string().min(1).optional(),
    secret: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)').optional(),
    /** Seconds of clock skew allowed when checking `exp` and `nbf`. */
    clockToleranceSeconds: z.number().min(0).max(300).default(30),
  })
  .refine((t) => t.publicKeys.length > 0 || t.jwksFile !== undefined || t.secret !== undefined, {
    message: 'give publicKeys, jwksFile or secret: a token cannot be verified without a key',
  });
export type UserTokensConfig = z.output<typeof userTokensSchema>;

/** Field names that are never written to logs by default: names and free text (post and event text, search queries). */
export const DEFAULT_NEVER_LOG = ['name', 'text', 'q', 'email', 'bio'] as const;

const privacySchema = z
  .strictObject({
    /**
     * Keyed pseudonymization of user ids at ingest (src/privacy/pseudonymize.ts): the store holds
     * HMAC-SHA-256(key, id) instead of the id. The key may also come from RESONATE_PRIVACY_PSEUDONYMIZE_KEY.
     */
    pseudonymize: z.strictObject({ key: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)') }).optional(),
    /** Field names (at any depth up to 4) and query parameters whose values are never written to logs. */
    neverLog: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a field name (letters, digits, _)')).default([...DEFAULT_NEVER_LOG]),
    /**
     * Differentially private aggregates (`GET /v1/private/trending`, `GET /v1/private/stats`; src/privacy/dp-count.ts):
     * each release is (epsilon, delta)-DP at the user level, with every user's contributions bounded to `l0` keys and
     * `linf` per key, noise from `mechanism` (discrete Laplace or discrete Gaussian), and a budget per release name
     * per UTC day (`budgetPerDay`, in the memory of the serving process).
     */
    dp: z
      .strictObject({
        epsilon: z.number().positive().max(100).default(1),
        delta: z.number().gt(0).lt(1).default(1e-6),
        mechanism: z.enum(['laplace', 'gaussian']).default('laplace'),
        /** Most distinct keys (hashtags, posts) one user contributes to in one release. */
        l0: z.number().int().min(1).max(1000).default(3),
        /** Most one user adds to one key's count (1: a count of distinct users). */
        linf: z.number().int().min(1).max(1000).default(1),
        /** Budget of each release name per UTC day; basic composition for Laplace, zCDP for Gaussian. */
        budgetPerDay: z
          .strictObject({ epsilon: z.number().positive().default(24), delta: z.number().gt(0).lt(1).default(1e-4) })
          .prefault({}),
        /** Hours of events the private trending counts cover, up to the request time. */
        windowHours: z.number().positive().max(24 * 365).default(24),
        /** Most posts and most events one user adds to the private stats (`GET /v1/private/stats`). */
        statsCap: z.number().int().min(1).max(10_000).default(10),
        /** Seconds a release is served again (at no privacy cost) before a request makes a new one; 0: every request spends. */
        reuseSeconds: z.number().min(0).default(3600),
      })
      .prefault({}),
  })
  .prefault({});

/**
 * An exploration policy (src/policy/): which candidate source (arm) fills an exploration slot, or which candidate
 * for the contextual ones, each with its parameters and their defaults. Multi-armed: `epsilon-greedy`,
 * `softmax` (Boltzmann) and `thompson` (Beta-Bernoulli); contextual, over the candidate's features: `linucb`
 * (disjoint model) and `lin-ts` (linear Thompson sampling). `epsilon` of the contextual ones (and of
 * `epsilon-greedy`) is the share of decisions made uniformly at random, so every logged propensity is > 0.
 */
const policyParams = {
  'epsilon-greedy': z.strictObject({
    epsilon: z.number().min(0).max(1).default(0.1),
    /** Mean reward assumed for an arm never tried (optimistic by default, so each arm is tried early). */
    initial: z.number().min(0).max(1).default(1),
  }),
  softmax: z.strictObject({
    /** Boltzmann temperature τ: P(a) ∝ exp(mean_a / τ); small τ is nearly greedy, large τ nearly uniform. */
    temperature: z.number().positive().max(1000).default(0.1),
    initial: z.number().min(0).max(1).default(1),
  }),
  thompson: z.strictObject({
    /** Beta(alpha, beta) prior of every arm's engagement rate; ≥ 1 keeps the densities bounded for the propensity integral. */
    alpha: z.number().min(1).max(1e6).default(1),
    beta: z.number().min(1).max(1e6).default(1),
  }),
  linucb: z.strictObject({
    /** Width of the upper confidence bound: θ·x + alpha·√(xᵀA⁻¹x). */
    alpha: z.number().min(0).max(100).default(1),
    /** Ridge regularisation: every arm starts from A = lambda·I. */
    lambda: z.number().positive().max(1e6).default(1),
    epsilon: z.number().min(0).max(1).default(0.05),
  }),
  'lin-ts': z.strictObject({
    /** Posterior scale v: θ ~ N(μ, v²A⁻¹). */
    v: z.number().positive().max(100).default(0.5),
    lambda: z.number().positive().max(1e6).default(1),
    epsilon: z.number().min(0).max(1).default(0.05),
    /** Extra posterior draws that estimate the chosen candidate's propensity (Monte Carlo). */
    propensityDraws: z.number().int().min(10).max(100_000).default(200),
  }),
} as const;

export type PolicyId = keyof typeof policyParams;
export const POLICY_IDS = Object.keys(policyParams) as PolicyId[];

export const policySpecSchema = z.discriminatedUnion(
  'id',
  [
    z.strictObject({ id: z.literal('epsilon-greedy'), params: policyParams['epsilon-greedy'].prefault({}) }),
    z.strictObject({ id: z.literal('softmax'), params: policyParams.softmax.prefault({}) }),
    z.strictObject({ id: z.literal('thompson'), params: policyParams.thompson.prefault({}) }),
    z.strictObject({ id: z.literal('linucb'), params: policyParams.linucb.prefault({}) }),
    z.strictObject({ id: z.literal('lin-ts'), params: policyParams['lin-ts'].prefault({}) }),
  ],
  { error: `expected a policy { id, params? } with id one of: ${POLICY_IDS.join(', ')}` },
);
export type PolicySpec = z.output<typeof policySpecSchema>;
export type PolicySpecInput = z.input<typeof policySpecSchema>;

const explorationSchema = z
  .strictObject({
    /** One slot in `every` positions of each page is an exploration slot (10: positions 10, 20, …); 0 turns exploration off. */
    every: z.number().int().min(0).max(500).default(10),
    /** The policy that fills the slots (default: Thompson sampling over the candidate sources). */
    policy: policySpecSchema.prefault({ id: 'thompson' }),
    /**
     * Seconds after a page is served within which an engagement with an explored post counts as its reward; a
     * decision with none by then is learned as reward 0.
     */
    rewardWindowSeconds: z.number().positive().max(7 * 86_400).default(1800),
  })
  .prefault({});

/**
 * Feed settings an experiment arm may change: the ones a ranking reads per request (source weights over the
 * fitted models, the second-stage share, the author cap, candidates per source).
 */
const armFeedOverrides = z.strictObject({
  /** Blend weight by source key (a key of `feed.sources`; 0 turns the source off for the arm). */
  sources: z.record(z.string().min(1), z.number().min(0)).optional(),
  rankerWeight: z.number().min(0).max(1).optional(),
  authorCap: z.number().int().positive().optional(),
  candidatesPerSource: z.number().int().positive().optional(),
});
export type ArmFeedOverrides = z.output<typeof armFeedOverrides>;

const experimentName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1 to 64 letters, digits, "_", "." or "-"');

/** Shares are compared with this tolerance (0.1 + 0.2 + 0.7 is not exactly 1 in floating point). */
const SHARE_TOLERANCE = 1e-9;

const experimentSchema = z
  .strictObject({
    name: experimentName,
    /** Mixed into the assignment hash: change it to reshuffle users (default: the name alone). */
    salt: z.string().default(''),
    /** ISO-8601 instants; the experiment serves in [start, stop). Without them it serves from start / until stop. */
    start: z.iso.datetime({ offset: true }).optional(),
    stop: z.iso.datetime({ offset: true }).optional(),
    /** The first arm is the control the others are compared with. */
    arms: z
      .array(z.strictObject({ name: experimentName, share: z.number().gt(0).max(1), feed: armFeedOverrides.optional() }))
      .min(2),
  })
  .superRefine((x, ctx) => {
    const total = x.arms.reduce((s, a) => s + a.share, 0);
    if (Math.abs(total - 1) > SHARE_TOLERANCE) ctx.addIssue({ code: 'custom', path: ['arms'], message: `arm shares must sum to 1, got ${total}` });
    const seen = new Set<string>();
    x.arms.forEach((a, i) => {
      if (seen.has(a.name)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'name'], message: `arm "${a.name}" appears twice` });
      seen.add(a.name);
    });
    if (x.start !== undefined && x.stop !== undefined && Date.parse(x.stop) <= Date.parse(x.start)) {
      ctx.addIssue({ code: 'custom', path: ['stop'], message: 'must be after start' });
    }
  });
export type ExperimentConfig = z.output<typeof experimentSchema>;

/** Window of an experiment in epoch ms ([start, stop), open ends infinite). */
export function experimentWindow(x: Pick<ExperimentConfig, 'start' | 'stop'>): { start: number; stop: number } {
  return { start: x.start === undefined ? -Infinity : Date.parse(x.start), stop: x.stop === undefined ? Infinity : Date.parse(x.stop) };
}

/**
 * Live experiments. A user is served by at most one, so the windows of two experiments may not overlap; names
 * are unique (reports and impressions name them).
 */
const experimentsSchema = z
  .array(experimentSchema)
  .default([])
  .superRefine((list, ctx) => {
    list.forEach((x, i) => {
      for (let j = 0; j < i; j++) {
        const other = list[j]!;
        if (other.name === x.name) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `experiment "${x.name}" appears twice` });
        const a = experimentWindow(x), b = experimentWindow(other);
        if (a.start < b.stop && b.start < a.stop) {
          ctx.addIssue({ code: 'custom', path: [i, 'start'], message: `overlaps experiment "${other.name}" (a user is served by one experiment at a time)` });
        }
      }
    });
  });

/** A Bluesky feed's record key: what follows `app.bsky.feed.generator/` in its AT-URI. */
const feedRkey = z.string().regex(/^[A-Za-z0-9._~:-]{1,512}$/, 'expected a record key (letters, digits, ".", "_", "~", ":", "-")');
const didString = z.string().regex(/^did:[a-z]+:[A-Za-z0-9._:%-]{1,2048}$/, 'expected a DID (did:web:example.com, did:plc:…)');

/** Resonate served to Bluesky as a feed generator (docs/bluesky.md). */
const blueskySchema = z
  .strictObject({
    /** The service's own DID (`aud` of the requesters' tokens; `/.well-known/did.json` serves it when it is a did:web). */
    serviceDid: didString.default('did:web:localhost'),
    /** The account that publishes the feed records (`at://<publisherDid>/app.bsky.feed.generator/<rkey>`); default: serviceDid. */
    publisherDid: didString.optional(),
    /** Public HTTPS origin of the service in its DID document (default: https://<host of a did:web serviceDid>). */
    serviceEndpoint: z.string().url().optional(),
    /** The feeds served; each may narrow and reweight `feed.sources` (`{ key: weight }`; absent: every source). */
    feeds: z
      .array(z.strictObject({ rkey: feedRkey, displayName: z.string().min(1).max(64), description: z.string().max(300).default(''), sources: z.record(z.string().min(1), z.number().min(0)).optional() }))
      .min(1)
      .default([{ rkey: 'for-you', displayName: 'For You', description: 'Resonate: a personalized feed, explained and shaped by your feedback.' }])
      .refine((fs) => new Set(fs.map((f) => f.rkey)).size === fs.length, 'each feed needs its own rkey'),
    /** Requester authentication (service-auth JWTs signed with the requester's atproto key). */
    auth: z
      .strictObject({
        /** The PLC directory that resolves did:plc issuers. */
        plcUrl: z.string().url().default('https://plc.directory'),
        /** A DID resolution that takes longer fails (the request is a 401, never a hang). */
        resolveTimeoutMs: z.number().int().min(1).max(60_000).default(3_000),
        /** How long a resolved DID document is kept. */
        cacheSeconds: z.number().int().min(0).max(86_400).default(3_600),
        /** Tolerance on `exp` for clock skew. */
        clockToleranceSeconds: z.number().int().min(0).max(300).default(5),
      })
      .prefault({}),
    /** `resonate bluesky ingest`: the Jetstream subscription. */
    jetstream: z
      .strictObject({
        url: z.string().default('wss://jetstream2.us-east.bsky.network/subscribe'),
        collections: z.array(z.enum(['app.bsky.feed.post', 'app.bsky.feed.like', 'app.bsky.feed.repost', 'app.bsky.graph.follow', 'app.bsky.graph.block'])).min(1).default(['app.bsky.feed.post', 'app.bsky.feed.like', 'app.bsky.feed.repost', 'app.bsky.graph.follow', 'app.bsky.graph.block']),
        /** Only these accounts (empty: everyone). */
        dids: z.array(didString).max(10_000).default([]),
        /** Only posts in these languages (BCP-47 prefixes; empty: every language). */
        languages: z.array(z.string().min(2).max(16)).default([]),
        /** Rows per store transaction (the cursor is saved in the same one). */
        batchSize: z.number().int().min(1).max(10_000).default(500),
        /** Longest wait between reconnection attempts. */
        maxBackoffMs: z.number().int().min(100).max(300_000).default(30_000),
      })
      .prefault({}),
  })
  .prefault({});

export const configSchema = z.strictObject({
  /** Where data lives: `sqlite://path` (the embedded store) or `postgres://user@host:5432/db?schema=name` (docs/postgres.md). */
  store: z.strictObject({ url: z.string().min(1).default('sqlite://./resonate.db') }).prefault({}),
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(3000),
      /**
       * API keys, stored as salted hashes made by `resonate keys create` (the secret itself is never in the
       * config), with their scopes (read < write < admin) and an optional expiry. An empty list and no
       * `userTokens` means an open server, which only starts on a loopback address (development).
       */
      apiKeys: z.array(apiKeyEntry).default([]),
      /** End-user JWTs (see `userTokensSchema`); absent: only API keys are accepted. */
      userTokens: userTokensSchema.optional(),
      /**
       * Requests per window: `max` per verified key (by its name), or per client address when the server is open
       * or the route is public; `authFailureMax` per client address for requests with a missing, unknown or
       * expired key or token (guessing); `userMax` per end user (a user token, by its subject).
       */
      rateLimit: z
        .strictObject({
          max: z.number().int().positive().default(6000),
          userMax: z.number().int().positive().default(600),
          timeWindowMs: z.number().int().positive().default(60_000),
          authFailureMax: z.number().int().positive().default(30),
        })
        .prefault({}),
      /**
       * Most rows one write request may carry. Users and posts are capped lower (1,000 and 500, see
       * `batchRowLimit` in src/data/validate.ts) so that a batch of their largest valid rows fits a request body.
       */
      maxBatch: z.number().int().positive().max(100_000).default(10_000),
      /**
       * Seconds a timestamp of a live write may lie ahead of the server clock (client clocks drift): a later time
       * is refused with TIMESTAMP_IN_FUTURE (`validateRows`' `now` and `maxFutureSkewMs` options), so that a
       * far-future event cannot be stored. Imports of files (history) are not checked against the clock.
       */
      maxFutureSkewSeconds: z.number().min(0).default(300),
      dashboard: z.boolean().default(true),
    })
    .prefault({}),
  /**
   * Implicit-feedback weight of each event type in the users × items matrix. Negative signals (hide, report)
   * are kept out of the positive matrix and used as filters and ranker labels instead. `rating` uses the
   * rating value, `dwell` uses min(seconds / 30, 1) times its weight.
   */
  weights: z
    .strictObject({
      view: z.number().default(0.2),
      like: z.number().default(1),
      share: z.number().default(2),
      comment: z.number().default(1.5),
      follow: z.number().default(0),
      unfollow: z.number().default(0),
      hide: z.number().default(-1),
      report: z.number().default(-2),
      rating: z.number().default(1),
      dwell: z.number().default(0.5),
      mute: z.number().default(0),
      unmute: z.number().default(0),
      block: z.number().default(0),
      unblock: z.number().default(0),
      show_less: z.number().default(-1),
    })
    .prefault({}),
  feed: z
    .strictObject({
      pageSize: z.number().int().positive().max(500).default(20),
      /** Candidates each source contributes before ranking. */
      candidatesPerSource: z.number().int().positive().default(200),
      /** Most posts of one author on one page. */
      authorCap: z.number().int().positive().default(2),
      /** Half-life of a post's freshness in hours (popularity decay and feed freshness). */
      freshnessHalfLifeHours: z.number().positive().default(24),
      /**
       * Seconds a user's first page is reused when asked again (a refresh storm costs one ranking); any event of
       * the user through the engine drops it at once. 0 ranks every request afresh.
       */
      cacheTtlSeconds: z.number().min(0).default(30),
      /**
       * Most active users whose first page is precomputed after each training (and kept in memory), so their
       * feed requests cost a lookup instead of a ranking. 0 turns materialization off.
       */
      materializeUsers: z.number().int().min(0).default(10_000),
      /** Seconds a materialized first page is served before the next request ranks afresh (any event of the user drops it at once). */
      materializeTtlSeconds: z.number().min(0).default(600),
      /**
       * Share of the final score given to the second-stage engagement ranker, once it is trained (0 turns it off).
       * 0 by default: at 0.5 and 0.2 it lowered validation nDCG@10 on all three datasets of docs/benchmarks.md
       * ("Default feed recipe"). At 0 the ranker is not trained.
       */
      rankerWeight: z.number().min(0).max(1).default(0),
      /** Candidates the second-stage ranker re-ranks: the first stage's top N (the rest keep first-stage order). */
      rerankTop: z.number().int().positive().default(200),
      /**
       * Candidate sources, each a model spec whose `weight` is its relative weight in the blended score. `in-network`
       * also reads fresh posts of followees from the store; `fresh` (no model) proposes posts written since the last
       * training that match the user's interests, and neighbours of their likes since; `popular/*` models are the trending source; any other
       * model (a hybrid, SASRec, LightGCN …) proposes its top items for the user. The older form, an object of
       * source id → weight, is still read.
       */
      sources: z
        .union([z.array(modelSpecEntry).min(1), z.record(z.string(), z.number()).transform((r) => Object.entries(r).map(([id, weight]) => ({ id, weight })))])
        // Chosen on validation carves of three datasets (synthetic network, Last.fm, ml-100k), then iALS left out
        // for small and sparse communities: the evidence is in docs/benchmarks.md ("Default feed recipe").
        .default([
          { id: 'in-network', weight: 4.0 },
          { id: 'rp3beta', weight: 1.0 },
          // Burst-resistant trending: an account adds at most 5 (decayed) to trending, accounts newer than 3 days less.
          { id: 'popular/trending', weight: 0.5, params: { maxPerAccount: 5, newAccountHours: 72 } },
          { id: 'fresh', weight: 0.5 },
        ]),
      /** Exploration slots and the policy that fills them (see `explorationSchema`). */
      exploration: explorationSchema,
      /**
       * Diversity re-ranking after the negative-feedback damping (src/feed/diversity.ts): the k-th further post of an
       * author has its score multiplied by max(authorFloor, authorDecay^k); MMR reorders the top `mmrTop` posts by
       * λ·relevance − (1 − λ)·(largest tag Jaccard similarity to a post above). 1 turns either off. The decay is on
       * at 0.75 (on the synthetic network's validation carve it raised author coverage@10 by 5 % and nDCG@10 by
       * 0.6 %; catalogue items are exempt); MMR is off: it cost Last.fm 1.2–3.1 % nDCG@10 for 0.7–1.4 % tag ILD
       * (docs/benchmarks.md, "Diversity re-ranking").
       */
      diversity: z
        .strictObject({
          authorDecay: z.number().gt(0).max(1).default(0.75),
          authorFloor: z.number().min(0).max(1).default(0.25),
          mmrLambda: z.number().min(0).max(1).default(1),
          mmrTop: z.number().int().positive().default(100),
          /** Greedy DPP MAP over the same head (src/feed/dpp.ts), relevance weight θ; 1 turns it off. */
          dppTheta: z.number().min(0).max(1).default(1),
          /** Most posts per topic (a post's first tag) in each page-sized window; 0 turns the cap off. */
          topicCap: z.number().int().min(0).default(0),
          /** 1-based first-page position given to a new author's best post when the page has none; 0: off. */
          newAuthorSlot: z.number().int().min(0).default(0),
          /** An author with at most this many posts in the training snapshot counts as new. */
          newAuthorMaxPosts: z.number().int().min(0).default(3),
        })
        .prefault({}),
      /** Replaced by `exploration.every`; refused with a message saying so. */
      explorationShare: z.never({ error: 'replaced by feed.exploration.every (1 slot in N positions of a page; 0 turns exploration off)' }).optional(),
      /** Newest posts written since the last training that the fresh source considers (read once per refresh, shared by all users). */
      freshPosts: z.number().int().positive().default(500),
      /**
       * A first page kept in memory is ranked again when posts were written since it was ranked and it is older than
       * this many seconds, so a new post reaches interested users' first pages within this time.
       */
      freshWithinSeconds: z.number().min(0).default(3),
      /** Seconds between two reads of the fresh-post pool and of the events on it from the store (a post write reads it at once). */
      freshRefreshSeconds: z.number().min(0).default(5),
      /** Snapshot posts younger than this (hours before the snapshot's latest event) with little engagement are fresh too. */
      freshMaxAgeHours: z.number().min(0).default(48),
      /**
       * `tuned`: serve `<models.dir>/recipe.json` (written by `resonate train --tune`) laid over these `feed` and
       * `models` settings when it exists; `config`: always serve these settings as written.
       */
      recipe: z.enum(['tuned', 'config']).default('tuned'),
      /** The model behind similar posts (`GET /v1/posts/{id}/similar`): a model spec whose `similarItems` is asked. */
      similar: modelSpecEntry.default('rp3beta'),
      /**
       * A user's languages (`PUT /v1/users/{id}/languages`) in their feed: `prefer` multiplies the score of a post in
       * another language by `otherLanguageWeight`, `filter` leaves such posts out, `off` ignores languages. Posts of
       * unknown language and users without languages are never affected.
       */
      languages: z
        .strictObject({
          policy: z.enum(['off', 'prefer', 'filter']).default('prefer'),
          otherLanguageWeight: z.number().min(0).max(1).default(0.5),
        })
        .prefault({}),
    })
    .prefault({}),
  models: z
    .strictObject({
      /**
       * Further models `resonate train` and `start` fit beside the feed's sources and the similar-posts model (model
       * specs; `resonate recommend --model KEY` asks one by its label or id).
       */
      train: z.array(modelSpecEntry).default([]),
      /** Folder of the saved model versions (one sub-folder per training; see `resonate models list`). */
      dir: z.string().default('./.resonate/models'),
      /**
       * Seconds between scheduled retrainings while serving (0: never). A retraining runs only when the data changed
       * since the serving version, in a child process; the new version replaces the serving one when it is ready.
       */
      retrainEvery: z.number().min(0).default(0),
      /**
       * Before fitting on all the data, measure each model on a leave-last-out carve of the training snapshot (each
       * user's latest interaction held out; full ranking, nDCG@10 and recall@10), stored in the version's manifest
       * and shown on the dashboard. Costs one extra fit of each model.
       */
      validate: z.boolean().default(true),
      /** Model versions kept on disk after each training (older ones are pruned; the serving one is always kept). */
      keepVersions: z.number().int().min(1).default(5),
      /**
       * Seconds every training (`resonate train` and scheduled retraining) first spends tuning the feed recipe's
       * source weights and member parameters on a validation carve (as `resonate train --tune`); 0: no tuning.
       */
      tuneSeconds: z.number().min(0).default(0),
      /** Train the multi-task engagement ranker (second-stage feed ranking) in the background after the first models, when `feed.rankerWeight` > 0. */
      ranker: z.boolean().default(true),
      /** Train the user-behaviour predictor (next action, churn risk) in the background after the first models. */
      behavior: z.boolean().default(true),
      /** Train the smart-reply suggester (`GET /v1/posts/{id}/reply-suggestions`) in the background on the snapshot's reply threads. */
      replies: z.boolean().default(true),
    })
    .prefault({}),
  /**
   * Explicit ratings (`GET /v1/users/{id}/predicted-rating`): a rating model (`rating/baseline`, `rating/svd`,
   * `rating/svdpp`, `rating/autorec`, `rating/blend`) fitted on the serving snapshot's `rating` events on the first
   * request after each training. Unset: no rating model (RATINGS_NOT_CONFIGURED).
   */
  ratings: z
    .strictObject({
      model: z.string().regex(/^rating\//, 'expected a rating model id such as "rating/svd"').optional(),
      params: z.record(z.string(), z.unknown()).default({}),
      /**
       * [min, max] of the rating scale (e.g. [0.5, 4] for FilmTrust, [1, 5] for MovieLens). Unset: the snapshot's
       * smallest and largest rating. Predictions are clipped to it; with a rating model configured, a `rating`
       * event outside it is refused with RATING_OUT_OF_SCALE.
       */
      scale: z.tuple([z.number(), z.number()]).refine(([a, b]) => a < b, 'expected [min, max] with min < max').optional(),
    })
    .prefault({}),
  text: z
    .strictObject({
      /** Give every post ingested through the API a sentiment (VADER lexicon) in `features.sentiment`. */
      sentimentAtIngest: z.boolean().default(true),
      /** Identify the language of every post ingested without `lang` (ELD, src/text/language.ts) and store it as `lang`. */
      identifyLanguage: z.boolean().default(true),
    })
    .prefault({}),
  /**
   * Precomputed item features posts may carry. `vectors`: named embeddings in `features.vectors.<name>` (e.g. an
   * image embedding the client computed) with their dimension; a post's vector of another name or dimension is
   * refused (VECTOR_INVALID). Content models (`content/tfidf`, `two-tower`) and similar posts use them.
   */
  features: z
    .strictObject({
      vectors: z
        .record(z.string().regex(/^[A-Za-z_][\w-]{0,63}$/, 'a vector name is a letter or _ then up to 63 letters, digits, _ or -'), z.strictObject({ dim: z.number().int().min(1).max(1024) }))
        .refine((v) => Object.keys(v).length <= 2, 'at most 2 named vectors')
        .default({}),
    })
    .prefault({}),
  /**
   * Moderation signal (off by default): a text classifier gives every post ingested through the API the
   * probability of its offensive label in `features.offensive` (posts that carry one keep it), and the feed acts on
   * it by thresholds. The classifier is a saved file (`resonate text train-classifier … --out`), or trained when
   * the engine starts from labelled texts (`trainText`, `trainLabels`, optional model `spec` file, calibrated
   * on `valText`/`valLabels` when given). Each threshold is off when absent.
   */
  moderation: z
    .strictObject({
      classifier: z.string().min(1).optional(),
      trainText: z.string().min(1).optional(),
      trainLabels: z.string().min(1).optional(),
      valText: z.string().min(1).optional(),
      valLabels: z.string().min(1).optional(),
      /** A JSON model spec `{ "model": kind, "options": { … } }` for the training (default: the linear model). */
      spec: z.string().min(1).optional(),
      /** The label whose probability is the signal (default: `offensive` when the model has it, else `1`). */
      label: z.string().min(1).optional(),
      /** Posts above this probability have their feed score multiplied by `downRankFactor`. */
      downRankAbove: z.number().min(0).max(1).optional(),
      downRankFactor: z.number().min(0).max(1).default(0.5),
      /** Posts above this probability are shown only to followers of their author (and never to anyone else). */
      hideFromNonFollowersAbove: z.number().min(0).max(1).optional(),
      /** Posts above this probability are listed for admin review (`GET /v1/admin/moderation/flagged`). */
      reviewAbove: z.number().min(0).max(1).optional(),
    })
    .refine((m) => !(m.classifier && (m.trainText || m.trainLabels)), { message: 'give either classifier (a saved file) or trainText and trainLabels, not both' })
    .refine((m) => (m.trainText === undefined) === (m.trainLabels === undefined), { message: 'trainText and trainLabels go together' })
    .refine((m) => (m.valText === undefined) === (m.valLabels === undefined), { message: 'valText and valLabels go together' })
    .prefault({}),
  /**
   * Help for writing posts (`POST /v1/compose/suggest`). Hashtags are always suggested. With `languageModel`, a small
   * word-level GRU language model of the serving snapshot's newest `maxPosts` posts (trained in the background after
   * the serving models, saved beside the model version) also completes the draft: sampled with `temperature` and
   * `topP` (the request may override them), words of `blocklist` never generated, and, when `moderation` has a
   * classifier, completions whose offensive probability is above `offensiveAbove` (default: the lowest moderation
   * threshold configured, else 0.5) never returned.
   */
  compose: z
    .strictObject({
      languageModel: z.boolean().default(true),
      /** Words in the model's vocabulary (the most frequent; the others read as unknown and are never generated). */
      vocabSize: z.number().int().min(50).max(20_000).default(2000),
      embeddingDim: z.number().int().min(4).max(256).default(32),
      hidden: z.number().int().min(4).max(512).default(64),
      /** Passes over the posts. */
      epochs: z.number().int().min(1).max(50).default(3),
      /** Newest posts read for training. */
      maxPosts: z.number().int().min(10).max(200_000).default(5000),
      /** Completions per request, and the request defaults for sampling. */
      completions: z.number().int().min(0).max(10).default(3),
      temperature: z.number().min(0).max(2).default(0.8),
      topP: z.number().gt(0).max(1).default(0.9),
      maxTokens: z.number().int().min(1).max(40).default(12),
      /** Words (case-insensitive) a completion never contains. */
      blocklist: z.array(z.string().min(1).max(100)).max(10_000).default([]),
      offensiveAbove: z.number().min(0).max(1).optional(),
    })
    .prefault({}),
  /**
   * Sponsored slots (README "Sponsored posts"): while a campaign is active, the feed inserts at most one sponsored
   * post per slot: before organic position `firstPosition` (0-based, in the user's list) and then after every
   * `spacing` organic posts. A slot next to a post the sentiment or moderation signals mark unsafe stays empty.
   */
  sponsored: z
    .strictObject({
      enabled: z.boolean().default(true),
      firstPosition: z.number().int().min(0).max(500).default(3),
      /** Organic posts between two sponsored posts (the minimum spacing). */
      spacing: z.number().int().min(1).max(500).default(8),
      /** Least click price (GSP): a campaign bidding below it never wins. */
      reservePrice: z.number().min(0).default(0.01),
      /** Even pacing: by a fraction f of the UTC day a campaign spends at most dailyBudget × (f + pacingSlack). */
      pacingSlack: z.number().min(0).max(1).default(0.05),
      /** A post with `features.offensive` above this is unsafe to sit next to. */
      unsafeOffensiveAbove: z.number().min(0).max(1).default(0.5),
      /** A post with `features.sentiment_score` below this is unsafe to sit next to. */
      unsafeSentimentBelow: z.number().min(-1).max(1).default(-0.5),
      /** Smoothing of a campaign's own CTR (used while the engagement ranker is not trained): (clicks + a·prior) / (impressions + a). */
      ctrPrior: z.number().min(0).max(1).default(0.02),
      ctrPriorWeight: z.number().min(0).default(100),
    })
    .prefault({}),
  demo: z
    .strictObject({
      users: z.number().int().positive().default(2000),
      seed: z.number().int().default(42),
      /** Share of the demo's posts that get a reply (reply threads, so smart replies have something to learn from). */
      replyRate: z.number().min(0).max(1).default(0.1),
    })
    .prefault({}),
  privacy: privacySchema,
  /**
   * The impression log: every served feed item with its request id, position, source, score, policy and
   * propensity (off-policy evaluation and experiments read it). Rows are buffered and written in bulk, off the
   * request path: a crash loses at most `bufferRows` rows; a page waits for a flush only when the buffer is full.
   */
  impressions: z
    .strictObject({
      enabled: z.boolean().default(true),
      bufferRows: z.number().int().min(1).max(100_000).default(2_000),
      flushMs: z.number().int().min(10).max(60_000).default(1_000),
    })
    .prefault({}),
  /**
   * State shared by several API processes serving one store: with `url` (`redis://…`) the first pages ranked or
   * materialized by one process are read by the others, page invalidations and the serving model version are
   * broadcast, and rate-limit counters are counted across processes. Empty: everything stays in this process.
   */
  cache: z
    .strictObject({
      url: z.union([z.literal(''), z.string().regex(/^rediss?:\/\/\S+$/, 'expected redis://host:port (or rediss://), or empty for this process only')]).default(''),
      /** Prefix of every Redis key and channel (several deployments may share one Redis). */
      keyPrefix: z.string().default('resonate:'),
    })
    .prefault({}),
  /**
   * GET /metrics (Prometheus text format): `public` serves it without a key (scrapers on a private network);
   * otherwise a key with the `metrics` or `admin` scope is needed (docs/deploy.md).
   */
  metrics: z.strictObject({ public: z.boolean().default(false) }).prefault({}),
  /**
   * Time to live of events and impressions, in days (0 keeps them for ever, the default): older rows are deleted
   * every `everyMinutes` by the serving process that trains (docs/deploy.md "Retention").
   */
  retention: z
    .strictObject({
      eventsDays: z.number().min(0).default(0),
      impressionsDays: z.number().min(0).default(0),
      everyMinutes: z.number().positive().max(10_080).default(60),
    })
    .prefault({}),
  /**
   * Queued jobs (docs/deploy.md "Workers"): with a backend, training, scheduled retraining and retention run as jobs
   * that `resonate worker` processes (retried, deduplicated by key, dead-lettered after `attempts`), and serving
   * processes only enqueue them and load the versions workers publish. `none` (the default): serving processes
   * train and apply retention themselves.
   */
  jobs: z
    .strictObject({
      backend: z.enum(['none', 'bullmq', 'pg-boss']).default('none'),
      /** redis://… for bullmq, postgres://… for pg-boss. */
      url: z.string().default(''),
      /** Namespace of the queues: the Redis key prefix (bullmq) or the PostgreSQL schema (pg-boss; letters, digits, _). */
      namespace: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'letters, digits and _ (a PostgreSQL schema name)').default('resonate_jobs'),
      /** Deliveries of a job before it goes to the dead letters. */
      attempts: z.number().int().min(1).max(20).default(3),
      /** Seconds before a failed job is retried (doubled at each further attempt). */
      retryDelaySeconds: z.number().min(0).max(3600).default(5),
      /**
       * pg-boss only: seconds after which a job whose worker vanished (killed) is delivered again; it must exceed
       * the longest training. BullMQ detects a vanished worker by its lock instead (`lockSeconds`).
       */
      expireSeconds: z.number().int().min(10).default(3600),
      /** bullmq only: the lock a live worker renews; a job whose lock lapses (worker killed) is delivered again. */
      lockSeconds: z.number().int().min(5).max(600).default(30),
      /** Jobs one worker runs at a time. */
      concurrency: z.number().int().min(1).max(16).default(1),
      /** Seconds between the serving processes' checks of `models.dir/CURRENT` for a version a worker published. */
      followSeconds: z.number().min(0.2).max(3600).default(5),
    })
    .refine((j) => j.backend === 'none' || j.url !== '', { message: 'jobs.url is required with a jobs backend' })
    .refine((j) => j.backend !== 'bullmq' || /^rediss?:\/\//.test(j.url), { message: 'bullmq needs a redis:// url' })
    .refine((j) => j.backend !== 'pg-boss' || /^postgres(ql)?:\/\//.test(j.url), { message: 'pg-boss needs a postgres:// url' })
    .prefault({}),
  /** Live A/B experiments on the feed (see README "Experiments"). */
  experiments: experimentsSchema,
  bluesky: blueskySchema,
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
  seed: z.number().int().default(42),
});

export type ResonateConfig = z.output<typeof configSchema>;
export type ResonateConfigInput = z.input<typeof configSchema>;

/** Every default in one object. */
export const DEFAULT_CONFIG: ResonateConfig = configSchema.parse({});

export interface LoadConfigOptions {
  /** Config file; defaults to `./resonate.config.json` when it exists. */
  file?: string;
  /** Environment to read `RESONATE_*` from; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Highest-precedence overrides (from CLI flags or code). */
  overrides?: ResonateConfigInput;
}

export function loadConfig(options: LoadConfigOptions = {}): ResonateConfig {
  const env = options.env ?? process.env;
  let fromFile: Record<string, unknown> = {};
  const file = options.file ?? (existsSync('resonate.config.json') ? 'resonate.config.json' : undefined);
  if (file !== undefined) {
    const path = resolve(file);
    if (!existsSync(path)) throw createError('FILE_NOT_FOUND', { path });
    try {
      fromFile = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw createError('INVALID_CONFIG', { field: path, problem: `not valid JSON (${(e as Error).message})` });
    }
  }
  const merged = deepMerge(deepMerge(fromFile, envOverrides(env)), (options.overrides ?? {}) as Record<string, unknown>);
  return validateConfig(merged);
}

export function validateConfig(input: unknown): ResonateConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw createError('INVALID_CONFIG', { field: issue.path.join('.') || '(root)', problem: issue.message });
  }
  return parsed.data;
}

/** Environment name of a config path: ['server','maxBatch'] → RESONATE_SERVER_MAX_BATCH. */
export function envName(path: readonly string[]): string {
  return 'RESONATE_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/** Optional secrets that may come from the environment instead of the config file. */
export const SECRET_ENV_PATHS: readonly (readonly string[])[] = [
  ['server', 'userTokens', 'secret'],
  ['privacy', 'pseudonymize', 'key'],
];

function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (node: unknown, path: string[]): void => {
    const isLeaf = node === null || typeof node !== 'object' || Array.isArray(node) || path.join('.') === 'feed.sources' || path.join('.') === 'feed.exploration.policy';
    if (!isLeaf) {
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk(v, [...path, k]);
      return;
    }
    const raw = env[envName(path)];
    if (raw === undefined) return;
    setPath(out, path, parseEnvValue(raw, typeof node));
  };
  walk(DEFAULT_CONFIG, []);
  // Secrets that have no default (so the walk above does not see them), read as plain strings.
  for (const path of SECRET_ENV_PATHS) {
    const raw = env[envName(path)];
    if (raw !== undefined && raw !== '') setPath(out, path, raw);
  }
  return out;
}

function parseEnvValue(raw: string, expected: string): unknown {
  if (expected === 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
