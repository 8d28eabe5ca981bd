/**
 * @module Retention: events older than `retention.eventsDays` and impression-log pages older than
 * `retention.impressionsDays` are deleted from the store every `retention.everyMinutes` (and once at start), in
 * small transactions (`Store.deleteExpired`). 0 days keeps a table for ever (the default). One process applies it:
 * `resonate serve` (slot 0 under `--processes`).
 */
import type { ResonateConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { ExpiredRows, ExpiryCutoffs, Store } from '../storage/store.js';

const DAY_MS = 86_400_000;

/** The cutoffs for `now`, or undefined when retention is off for both tables. */
export function expiryCutoffs(config: ResonateConfig['retention'], now: number): ExpiryCutoffs | undefined {
  const cutoffs: ExpiryCutoffs = {};
  if (config.eventsDays > 0) cutoffs.events = now - config.eventsDays * DAY_MS;
  if (config.impressionsDays > 0) cutoffs.impressions = now - config.impressionsDays * DAY_MS;
  return cutoffs.events === undefined && cutoffs.impressions === undefined ? undefined : cutoffs;
}

/** One pass: what it deleted, or undefined when retention is off. */
export async function applyRetention(store: Pick<Store, 'deleteExpired'>, config: ResonateConfig['retention'], now: number): Promise<ExpiredRows | undefined> {
  const cutoffs = expiryCutoffs(config, now);
  return cutoffs === undefined ? undefined : store.deleteExpired(cutoffs);
}

/**
 * Applies retention now and then every `everyMinutes`, one pass at a time; a failed pass is logged and the next
 * one tries again. Returns the function that stops it (a pass under way finishes).
 */
export function scheduleRetention(store: Pick<Store, 'deleteExpired'>, config: ResonateConfig['retention'], logger: Logger, clock: () => number = Date.now): () => void {
  if (expiryCutoffs(config, clock()) === undefined) return () => undefined;
  let running: Promise<void> | undefined;
  const pass = (): void => {
    running ??= applyRetention(store, config, clock())
      .then((deleted) => {
        if (deleted && (deleted.events > 0 || deleted.impressionPages > 0)) logger.info({ ...deleted }, 'retention: deleted expired rows');
      })
      .catch((err: unknown) => logger.warn({ err }, 'retention pass failed; the next one tries again'))
      .finally(() => (running = undefined));
  };
  pass();
  const timer = setInterval(pass, config.everyMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
