/**
 * @module The serving model version, shared: the process that publishes a new version writes its number to
 * `<prefix>version` and announces it on a channel; the others load that version from the shared models folder.
 * A process whose subscription was down reads the key when it is back, so an announcement it missed still arrives.
 */
import type { Redis } from 'ioredis';
import { isReady } from './redis-connection.js';

export interface VersionPointer {
  announce(version: number): void;
  /** Called with a version another process announced (or found in the key after a reconnect). */
  follow(handler: (version: number) => void): void;
}

export class LocalVersionPointer implements VersionPointer {
  announce(): void {}
  follow(): void {}
}

export class RedisVersionPointer implements VersionPointer {
  private readonly handlers: ((v: number) => void)[] = [];
  private readonly key: string;
  private announced: number | undefined;

  constructor(
    private readonly commands: Redis,
    subscriber: Redis,
    private readonly channel: string,
    prefix: string,
  ) {
    this.key = `${prefix}version`;
    subscriber.on('message', (ch: string, text: string) => {
      if (ch === channel) this.deliver(Number(text));
    });
    void subscriber.subscribe(channel).catch(() => undefined);
    subscriber.on('ready', () => void this.readKey());
    // An announcement made while Redis was down is written once it is back.
    commands.on('ready', () => {
      if (this.announced !== undefined) this.announce(this.announced);
      else void this.readKey();
    });
  }

  announce(version: number): void {
    this.announced = version;
    if (!isReady(this.commands)) return;
    // Written before it is announced: a process that misses the message reads the key when it reconnects.
    this.commands
      .multi()
      .set(this.key, String(version))
      .publish(this.channel, String(version))
      .exec()
      .then(() => (this.announced = undefined), () => undefined);
  }

  follow(handler: (version: number) => void): void {
    this.handlers.push(handler);
  }

  private async readKey(): Promise<void> {
    try {
      const text = await this.commands.get(this.key);
      if (text !== null) this.deliver(Number(text));
    } catch {
      // Unreachable again: the next ready reads it.
    }
  }

  private deliver(version: number): void {
    if (!Number.isInteger(version) || version < 1) return;
    for (const h of this.handlers) h(version);
  }
}
