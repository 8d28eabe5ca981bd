/**
 * @module First pages shared through Redis: one hash per user (`<prefix>pages:<user>`), one field per model
 * version and page size, holding the ranked list as JSON. The hash expires with the latest list written to it
 * (each list also carries its own `reuseUntil`), so a user's invalidation is one DEL of every version and size, and
 * a page ranked by another model version is never read (its field names the version).
 */
import type { Redis } from 'ioredis';
import type { SharedFirstPages, SharedList } from '../feed/shared-pages.js';
import { isReady } from './redis-connection.js';

export class RedisPageStore {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(userId: string): string {
    return `${this.prefix}pages:${userId}`;
  }

  /** The pages of one model version. */
  forVersion(version: number): SharedFirstPages {
    return {
      get: (userId, pageSize) => this.get(userId, `${version}:${pageSize}`),
      put: (userId, pageSize, list) => this.put(userId, `${version}:${pageSize}`, list),
    };
  }

  private async get(userId: string, field: string): Promise<SharedList | undefined> {
    if (!isReady(this.redis)) return undefined;
    try {
      const text = await this.redis.hget(this.key(userId), field);
      if (text === null) return undefined;
      const list = JSON.parse(text) as SharedList;
      return list.reuseUntil > Date.now() ? list : undefined;
    } catch {
      return undefined;
    }
  }

  private put(userId: string, field: string, list: SharedList): void {
    const ttlMs = Math.ceil(list.reuseUntil - Date.now());
    if (ttlMs <= 0 || !isReady(this.redis)) return;
    const key = this.key(userId);
    this.track(this.redis.multi().hset(key, field, JSON.stringify(list)).pexpire(key, ttlMs).exec());
  }

  /** Drops every shared first page of these users. */
  drop(userIds: readonly string[]): void {
    if (userIds.length === 0 || !isReady(this.redis)) return;
    this.track(this.redis.del(...userIds.map((u) => this.key(u))));
  }

  private track(p: Promise<unknown>): void {
    const done = p.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  /** Resolves when the writes sent so far are answered (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
