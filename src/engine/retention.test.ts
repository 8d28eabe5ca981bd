import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config.js';
import { silentLogger } from '../core/logger.js';
import type { ExpiryCutoffs } from '../storage/store.js';
import { applyRetention, expiryCutoffs, scheduleRetention } from './retention.js';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

describe('retention', () => {
  it('is off by default', async () => {
    expect(expiryCutoffs(DEFAULT_CONFIG.retention, NOW)).toBeUndefined();
    const calls: ExpiryCutoffs[] = [];
    expect(await applyRetention({ deleteExpired: async (c) => (calls.push(c), { events: 0, impressionPages: 0 }) }, DEFAULT_CONFIG.retention, NOW)).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('cuts each table at its own number of days before now', () => {
    expect(expiryCutoffs({ eventsDays: 30, impressionsDays: 0, everyMinutes: 60 }, NOW)).toEqual({ events: NOW - 30 * DAY });
    expect(expiryCutoffs({ eventsDays: 0, impressionsDays: 1.5, everyMinutes: 60 }, NOW)).toEqual({ impressions: NOW - 1.5 * DAY });
  });

  it('applies a pass at once when scheduled, with the clock it is given', async () => {
    const calls: ExpiryCutoffs[] = [];
    const stop = scheduleRetention({ deleteExpired: async (c) => (calls.push(c), { events: 2, impressionPages: 0 }) }, { eventsDays: 7, impressionsDays: 7, everyMinutes: 60 }, silentLogger, () => NOW);
    stop();
    expect(calls).toEqual([{ events: NOW - 7 * DAY, impressions: NOW - 7 * DAY }]);
  });
});
