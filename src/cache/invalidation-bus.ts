/**
 * @module Cache invalidations broadcast to every process on one Redis channel. Each process applies its own
 * invalidations locally at once and publishes them; it ignores its own messages when they come back. A process
 * whose subscription was down may have missed messages: when it is back it drops all its first pages, and a process
 * that could not publish while Redis was down publishes "all" once it can, so the others do the same.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isReady } from './redis-connection.js';

/** What became stale: these users' first pages, every page's hydrated posts, or everything. */
export type Invalidation = { kind: 'users'; ids: string[] } | { kind: 'posts' } | { kind: 'all' };

export interface InvalidationBus {
  publish(message: Invalidation): void;
  /** Applies other processes' invalidations (and "all" after a gap in the subscription). */
  subscribe(handler: (message: Invalidation) => void): void;
}

/** One process: nothing to tell anyone. */
export class LocalInvalidationBus implements InvalidationBus {
  publish(): void {}
  subscribe(): void {}
}

interface Envelope {
  origin: string;
  message: Invalidation;
}

export class RedisInvalidationBus implements InvalidationBus {
  private readonly origin = randomUUID();
  private readonly handlers: ((m: Invalidation) => void)[] = [];
  /** A publish failed: the others missed it; tell them to drop everything once Redis is back. */
  private owesAll = false;
  private subscribed = false;

  constructor(
    private readonly commands: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
  ) {
    subscriber.on('message', (ch: string, text: string) => {
      if (ch === channel) this.receive(text);
    });
    void subscriber.subscribe(channel).catch(() => undefined);
    // A ready after a gap: messages may have been missed while the subscription was down.
    subscriber.on('ready', () => {
      if (this.subscribed) this.deliver({ kind: 'all' });
      this.subscribed = true;
    });
    commands.on('ready', () => {
      if (!this.owesAll) return;
      this.owesAll = false;
      this.publish({ kind: 'all' });
    });
  }

  publish(message: Invalidation): void {
    if (!isReady(this.commands)) {
      this.owesAll = true;
      return;
    }
    const envelope: Envelope = { origin: this.origin, message };
    this.commands.publish(this.channel, JSON.stringify(envelope)).catch(() => (this.owesAll = true));
  }

  subscribe(handler: (message: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  private receive(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin !== this.origin) this.deliver(envelope.message);
  }

  private deliver(message: Invalidation): void {
    for (const h of this.handlers) h(message);
  }
}
