/**
 * @module What `serve --processes N` needs of the configuration: state every process can share. The API processes
 * keep nothing of their own that another needs: the store holds the data, Redis (`cache.url`) the shared pages,
 * invalidations, rate limits and the serving model version, and `models.dir` the versions.
 */
import type { ResonateConfig } from '../../core/config.js';
import { createError } from '../../core/errors.js';

/** Most API processes one command starts. */
export const MAX_PROCESSES = 64;

/** The value of `--processes`: an integer from 1 to 64, else INVALID_INPUT. */
export function parseProcesses(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_PROCESSES)) throw createError('INVALID_INPUT', { field: '--processes', problem: `expected an integer from 1 to ${MAX_PROCESSES}, got "${text.slice(0, 20)}"` });
  return n;
}

/** Throws PROCESSES_NOT_SHAREABLE when N > 1 processes could not share this configuration's state. */
export function assertShareable(config: ResonateConfig, processes: number): void {
  if (processes <= 1) return;
  const url = config.store.url;
  if (/^(sqlite:\/\/)?:memory:$/i.test(url)) throw createError('PROCESSES_NOT_SHAREABLE', { processes, problem: `the store "${url}" lives in one process's memory; use postgres://… or a SQLite file` });
  if (config.cache.url === '') throw createError('PROCESSES_NOT_SHAREABLE', { processes, problem: 'cache.url is empty, so pages, invalidations, rate limits and the model version would stay in each process; set cache.url (or RESONATE_CACHE_URL) to redis://host:port' });
}
