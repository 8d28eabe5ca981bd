/**
 * @module Where an open server (no API keys and no user-token config) may listen: loopback addresses only, so a
 * development setup cannot be reached from the network by mistake.
 */
import { BlockList, isIP } from 'node:net';
import { createError } from '../core/errors.js';
import type { ResonateConfig } from '../core/config.js';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** True for 127.0.0.0/8, ::1 (and IPv4-mapped ::ffff:127.x.y.z) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)?.[1];
  if (mapped !== undefined) return isIP(mapped) === 4 && loopback.check(mapped, 'ipv4');
  const family = isIP(h);
  if (family === 4) return loopback.check(h, 'ipv4');
  if (family === 6) return loopback.check(h, 'ipv6');
  return false;
}

/** True when the server checks no credential at all: no API key and no user-token config. */
export function isOpenServer(config: ResonateConfig): boolean {
  return config.server.apiKeys.length === 0 && config.server.userTokens === undefined;
}

/**
 * Throws OPEN_SERVER_NOT_LOOPBACK when the server is open (see `isOpenServer`) and `host` is not a loopback address.
 * @example assertSafeBinding(engine.config, '0.0.0.0'); // throws unless server.apiKeys or server.userTokens is set
 */
export function assertSafeBinding(config: ResonateConfig, host: string): void {
  if (!isOpenServer(config) || isLoopbackHost(host)) return;
  throw createError('OPEN_SERVER_NOT_LOOPBACK', { host });
}
