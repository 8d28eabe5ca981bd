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

export const EVENT_TYPES = ['view', 'like', 'share', 'comment', 'follow', 'unfollow', 'hide', 'report', 'rating', 'dwell'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const scopes = z.enum(['read', 'write', 'admin']);

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

export const configSchema = z.strictObject({
  /** Where data lives: `sqlite://path` (embedded default) or `postgres://…` (scale-out). */
  store: z.strictObject({ url: z.string().min(1).default('sqlite://./resonate.db') }).prefault({}),
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(3000),
      /**
       * API keys, stored as salted hashes made by `resonate keys create` (the secret itself is never in the
       * config), with their scopes (read < write < admin) and an optional expiry. An empty list means an open
       * server, which only starts on a loopback address (development).
       */
      apiKeys: z.array(apiKeyEntry).default([]),
      /**
       * Requests per window: `max` per verified key (by its name), or per client address when the server is open
       * or the route is public; `authFailureMax` per client address for requests with a missing, unknown or
       * expired key (key guessing).
       */
      rateLimit: z
        .strictObject({
          max: z.number().int().positive().default(6000),
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
      /** Share of the final score given to the second-stage engagement ranker, once it is trained (0 turns it off). */
      rankerWeight: z.number().min(0).max(1).default(0.5),
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
        .default([
          { id: 'in-network', weight: 1.0 },
          { id: 'item-knn/cosine', weight: 1.0 },
          { id: 'popular/trending', weight: 0.5 },
          { id: 'fresh', weight: 0.5 },
        ]),
      /**
       * Share of the first page reserved for exploration: new posts the fresh source proposes (written since the
       * last training, or recent with little engagement) that the blend did not rank onto the page. Rounded to
       * whole posts (20 posts → 2 slots; 0 turns the reservation off).
       */
      explorationShare: z.number().min(0).max(1).default(0.1),
      /** Newest posts written since the last training that the fresh source considers (read once per refresh, shared by all users). */
      freshPosts: z.number().int().positive().default(500),
      /** Seconds between two reads of the fresh-post pool and of the events on it from the store. */
      freshRefreshSeconds: z.number().min(0).default(5),
      /** Snapshot posts younger than this (hours before the snapshot's latest event) with little engagement are fresh too. */
      freshMaxAgeHours: z.number().min(0).default(48),
      /** The model behind similar posts (`GET /v1/posts/{id}/similar`): a model spec whose `similarItems` is asked. */
      similar: modelSpecEntry.default('item-knn/cosine'),
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
      /** Model versions kept on disk after each training (older ones are pruned; the serving one is always kept). */
      keepVersions: z.number().int().min(1).default(5),
      /** Train the multi-task engagement ranker (second-stage feed ranking) in the background after the first models. */
      ranker: z.boolean().default(true),
      /** Train the user-behaviour predictor (next action, churn risk) in the background after the first models. */
      behavior: z.boolean().default(true),
    })
    .prefault({}),
  text: z
    .strictObject({
      /** Give every post ingested through the API a sentiment (VADER lexicon) in `features.sentiment`. */
      sentimentAtIngest: z.boolean().default(true),
    })
    .prefault({}),
  demo: z
    .strictObject({
      users: z.number().int().positive().default(2000),
      seed: z.number().int().default(42),
    })
    .prefault({}),
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

function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (node: unknown, path: string[]): void => {
    const isLeaf = node === null || typeof node !== 'object' || Array.isArray(node) || path.join('.') === 'feed.sources';
    if (!isLeaf) {
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk(v, [...path, k]);
      return;
    }
    const raw = env[envName(path)];
    if (raw === undefined) return;
    setPath(out, path, parseEnvValue(raw, typeof node));
  };
  walk(DEFAULT_CONFIG, []);
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
