/**
 * @module The logger: pino, JSON lines on stderr so stdout stays free for command output.
 */
import { destination, pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.RESONATE_LOG_LEVEL ?? 'info', name = 'resonate'): Logger {
  return pino({ name, level }, destination(2));
}

/** A logger that drops everything (library default, tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
