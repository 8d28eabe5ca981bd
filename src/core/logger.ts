/**
 * @module The logger: pino, JSON lines on stderr so stdout stays free for command output.
 */
import { destination, pino, type Logger } from 'pino';
import { DEFAULT_NEVER_LOG } from './config.js';

export type { Logger };

/**
 * Paths pino blanks in every log line: API keys, tokens, cookies and the Authorization header, wherever a
 * request, its headers or a config object is logged.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie',
  'headers.authorization', 'headers["x-api-key"]', 'headers.cookie',
  'authorization', 'apiKey', 'apiKeys', 'secret', 'token', 'password',
  '*.authorization', '*.apiKey', '*.apiKeys', '*.secret', '*.token', '*.password',
];

/**
 * REDACT_PATHS plus, for each field name in `neverLog` (config `privacy.neverLog`: names, post and event text…),
 * that field at the top level and up to four levels down (`text`, `*.text`, `*.*.text`, …; `*` also runs over
 * array items), so `{ rows: [{ text }] }` is blanked as well as `{ text }`.
 */
const PINO_KEYS: ReadonlySet<string> = new Set(['name', 'msg', 'level', 'time', 'pid', 'hostname']);

export function redactPaths(neverLog: readonly string[] = []): string[] {
  const paths = new Set(REDACT_PATHS);
  for (const field of neverLog) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) continue;
    // At the top level pino's own keys (the logger's `name`, `msg` …) are not data: only nested ones are blanked.
    for (let depth = PINO_KEYS.has(field) ? 1 : 0; depth <= 4; depth++) paths.add([...Array<string>(depth).fill('*'), field].join('.'));
  }
  return [...paths];
}

export function createLogger(level: string = process.env.RESONATE_LOG_LEVEL ?? 'info', name = 'resonate'): Logger {
  // The server adds the configured `privacy.neverLog` fields to its own child logger; this one blanks the defaults.
  return pino({ name, level, redact: { paths: redactPaths(DEFAULT_NEVER_LOG), censor: '[redacted]' } }, destination(2));
}

/** A logger that drops everything (library default, tests). */
export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * A URL (or any text holding URLs) with credentials masked: `postgres://u:secret@h/db` → `postgres://u:***@h/db`,
 * and the values of query parameters named like secrets (`password=`, `token=`, `key=`, …) → `***`.
 */
export function redactUrl(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/?#\s:@]*):[^@/?#\s]*@/gi, '$1:***@')
    .replace(/([?&;](?:password|passwd|pwd|pass|secret|token|access_token|api[_-]?key|key|auth|sslpassword)=)[^&;#\s]*/gi, '$1***');
}
