/**
 * @module A Redis connection for shared state that never holds a request up: commands are not queued while the
 * connection is down (they fail at once and the caller treats that as a miss), reconnection backs off up to two
 * seconds, and the loss and the return of the connection are each logged once, not at every retry.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redactUrl } from '../core/logger.js';

export interface ConnectionOptions {
  /** Shown in logs: which connection of the process this is. */
  role: string;
  /** Queue commands until connected (only for the subscriber, whose SUBSCRIBE must survive a reconnect). */
  queueWhileDown?: boolean;
  /** Shared by the connections of one process, so that an outage is logged once, not once per connection. */
  health: ConnectionHealth;
}

/** Milliseconds before the n-th reconnection attempt: 100, 200, 400 … capped at 2 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 2000);
}

/** A command slower than this fails (and counts as a miss) instead of holding a request. */
const COMMAND_TIMEOUT_MS = 1000;

/** Logs a warning when the first connection of a process goes down and a line when the last one is back. */
export class ConnectionHealth {
  private readonly down = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly url: string,
  ) {}

  get healthy(): boolean {
    return this.down.size === 0;
  }

  lost(role: string, problem: string): void {
    if (this.down.has(role)) return;
    if (this.down.size === 0) this.logger.warn({ url: redactUrl(this.url), role, problem }, 'redis unreachable: serving from this process memory until it is back');
    this.down.add(role);
  }

  back(role: string): void {
    if (!this.down.delete(role) || this.down.size > 0) return;
    this.logger.info({ url: redactUrl(this.url) }, 'redis reachable again');
  }
}

export function connectRedis(url: string, options: ConnectionOptions): Redis {
  const queue = options.queueWhileDown === true;
  const redis = new Redis(url, {
    enableOfflineQueue: queue,
    maxRetriesPerRequest: queue ? null : 0,
    retryStrategy: reconnectDelay,
    connectTimeout: 2000,
    ...(queue ? {} : { commandTimeout: COMMAND_TIMEOUT_MS }),
  });
  const { health, role } = options;
  redis.on('error', (err: Error) => health.lost(role, err.message));
  redis.on('close', () => {
    if (!closing.has(redis)) health.lost(role, 'connection closed');
  });
  redis.on('ready', () => health.back(role));
  return redis;
}

/** Whether commands can be sent now (a down connection answers a miss at once). */
export function isReady(redis: Redis): boolean {
  return redis.status === 'ready';
}

const closing = new WeakSet<Redis>();

/** Resolves true once the connection is ready, false if it is not within `ms`. */
export function whenReady(redis: Redis, ms: number): Promise<boolean> {
  if (isReady(redis)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, ms);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

/** Closes a connection without waiting for a server that may be gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  closing.add(redis);
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}
