/**
 * @module The state API processes share, chosen by `cache.url`: in memory (one process, the default: nothing is
 * shared) or Redis (first pages, invalidations, rate-limit counters and the serving model version shared by every
 * process using the same Redis and key prefix). The composition root makes one and hands it to the engine and API.
 */
import type { Redis } from 'ioredis';
import type { ResonateConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { SharedFirstPages } from '../feed/shared-pages.js';
import { LocalInvalidationBus, RedisInvalidationBus, type InvalidationBus } from './invalidation-bus.js';
import { RedisPageStore } from './page-store.js';
import { closeRedis, connectRedis, ConnectionHealth, whenReady } from './redis-connection.js';
import { LocalVersionPointer, RedisVersionPointer, type VersionPointer } from './version-pointer.js';

export type { Invalidation, InvalidationBus } from './invalidation-bus.js';
export type { VersionPointer } from './version-pointer.js';

export interface SharedState {
  readonly kind: 'memory' | 'redis';
  readonly invalidations: InvalidationBus;
  readonly version: VersionPointer;
  /** First pages shared for one model version; undefined in memory (this process's caches are the only ones). */
  pages(version: number): SharedFirstPages | undefined;
  /** Drops the shared first pages of these users (every version and page size). */
  dropPages(userIds: readonly string[]): void;
  /** Where the rate limiter keeps its counters (undefined: in this process). */
  readonly rateLimit: { redis: Redis; nameSpace: string } | undefined;
  /** Resolves true when every connection is up, false when one is not within `ms` (the process serves from memory meanwhile). */
  connected(ms?: number): Promise<boolean>;
  /** Resolves when the shared writes sent so far are answered (tests, benchmarks). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Today's single-process behaviour: every cache and counter lives in this process. */
export function memorySharedState(): SharedState {
  return {
    kind: 'memory',
    invalidations: new LocalInvalidationBus(),
    version: new LocalVersionPointer(),
    pages: () => undefined,
    dropPages: () => undefined,
    rateLimit: undefined,
    connected: () => Promise.resolve(true),
    settled: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** Three connections: commands, the subscriber (pub/sub needs its own), and the rate limiter's counters. */
export function redisSharedState(url: string, keyPrefix: string, logger: Logger): SharedState {
  const health = new ConnectionHealth(logger, url);
  const commands = connectRedis(url, { role: 'commands', health });
  const subscriber = connectRedis(url, { role: 'subscriber', queueWhileDown: true, health });
  const limiter = connectRedis(url, { role: 'rate-limit', health });
  const store = new RedisPageStore(commands, keyPrefix);
  return {
    kind: 'redis',
    invalidations: new RedisInvalidationBus(commands, subscriber, `${keyPrefix}invalidate`),
    version: new RedisVersionPointer(commands, subscriber, `${keyPrefix}version-changed`, keyPrefix),
    pages: (version) => store.forVersion(version),
    dropPages: (userIds) => store.drop(userIds),
    rateLimit: { redis: limiter, nameSpace: `${keyPrefix}rate-limit:` },
    connected: async (ms = 2000) => (await Promise.all([commands, subscriber, limiter].map((r) => whenReady(r, ms)))).every(Boolean),
    settled: () => store.settled(),
    close: async () => {
      await store.settled();
      await Promise.all([commands, subscriber, limiter].map(closeRedis));
    },
  };
}

export function createSharedState(config: Pick<ResonateConfig, 'cache'>, logger: Logger): SharedState {
  const { url, keyPrefix } = config.cache;
  return url === '' ? memorySharedState() : redisSharedState(url, keyPrefix, logger);
}
