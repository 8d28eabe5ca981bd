/**
 * @module `resonate keys create`: a new API key. The secret is printed once; the config keeps only its salted
 * hash, so a leaked config file does not leak a usable key.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { validateConfig } from '../../core/config.js';
import { generateSecret, hashSecret, type Scope } from '../../api/api-keys.js';

const SCOPES: readonly Scope[] = ['read', 'write', 'admin', 'metrics'];

export interface KeyEntry {
  hash: string;
  scopes: Scope[];
  name?: string;
  expiresAt?: string;
}

/** A new secret and the `server.apiKeys` entry that accepts it (checked against the config schema). */
export function createKey(opts: { scopes: string; name?: string; expires?: string }): { secret: string; entry: KeyEntry } {
  const scopes = [...new Set(opts.scopes.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (scopes.length === 0) throw createError('INVALID_INPUT', { field: '--scopes', problem: 'name at least one of read, write, admin, metrics' });
  for (const s of scopes) {
    if (!SCOPES.includes(s as Scope)) throw createError('UNKNOWN_OPTION', { kind: 'scope', name: s, expected: SCOPES.join(', ') });
  }
  let expiresAt: string | undefined;
  if (opts.expires !== undefined) {
    const t = Date.parse(opts.expires);
    if (!Number.isFinite(t)) throw createError('INVALID_INPUT', { field: '--expires', problem: `expected an ISO date such as 2027-01-31T00:00:00Z, got "${opts.expires}"` });
    if (t <= Date.now()) throw createError('INVALID_INPUT', { field: '--expires', problem: `${new Date(t).toISOString()} is in the past` });
    expiresAt = new Date(t).toISOString();
  }
  const secret = generateSecret();
  const entry: KeyEntry = { hash: hashSecret(secret), scopes: scopes as Scope[] };
  if (opts.name !== undefined) entry.name = opts.name;
  if (expiresAt !== undefined) entry.expiresAt = expiresAt;
  validateConfig({ server: { apiKeys: [entry] } });
  return { secret, entry };
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create an API key: prints the secret once and the server.apiKeys entry (its hash) to add to the config')
    .requiredOption('--scopes <list>', 'comma-separated scopes: read, write, admin (admin ⊃ write ⊃ read), metrics (GET /metrics only)')
    .option('--name <name>', 'a name for logs and the key’s rate limit')
    .option('--expires <iso>', 'expiry date-time (ISO 8601); the key is refused after it')
    .action((opts: { scopes: string; name?: string; expires?: string }) => {
      const { secret, entry } = createKey(opts);
      console.log(`API key (shown only now; store it in your secret manager):\n\n  ${secret}\n`);
      console.log('Add this entry to "server.apiKeys" in resonate.config.json (it holds only a salted hash of the key):\n');
      console.log(`  ${JSON.stringify(entry)}`);
    });
}
