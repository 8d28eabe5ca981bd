import { describe, expect, it } from 'vitest';
import { configSchema } from '../core/config.js';
import { composeSettings, offensiveThreshold } from './compose.js';

const config = (over: object = {}) => configSchema.parse(over);

describe('compose settings', () => {
  it('filters at compose.offensiveAbove, else the lowest moderation threshold set, else 0.5', () => {
    expect(offensiveThreshold(config())).toBe(0.5);
    expect(offensiveThreshold(config({ moderation: { downRankAbove: 0.8, reviewAbove: 0.6 } }))).toBe(0.6);
    expect(offensiveThreshold(config({ moderation: { hideFromNonFollowersAbove: 0.9 }, compose: { offensiveAbove: 0.3 } }))).toBe(0.3);
  });

  it('takes the configured defaults and refuses each out-of-range setting by its name', () => {
    const c = config({ compose: { temperature: 0.5 } }).compose;
    expect(composeSettings({}, c)).toEqual({ limit: 5, n: 3, temperature: 0.5, topP: 0.9, maxTokens: 12 });
    expect(composeSettings({ temperature: 0, topP: 1, completions: 0 }, c)).toMatchObject({ temperature: 0, topP: 1, n: 0 });
    for (const [field, bad] of [['temperature', -0.1], ['temperature', Number.NaN], ['topP', 0], ['maxTokens', 41], ['completions', 2.5], ['limit', 0]] as const) {
      expect(() => composeSettings({ [field]: bad }, c), `${field}=${bad}`).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(field) }));
    }
  });
});
