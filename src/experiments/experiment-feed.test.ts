import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ExperimentConfig, type ResonateConfig } from '../core/config.js';
import type { Feed } from '../feed/create-feed.js';
import type { FeedPage, SourceSpec } from '../feed/types.js';
import { assignArm } from './assignment.js';
import { armFeedConfig, armSources, feedForExposure, withExperiments } from './experiment-feed.js';

/** A feed that answers with its own name and records what it was asked. */
function recordingFeed(name: string, calls: string[]): Feed {
  return {
    page: async (userId) => ({ items: [{ postId: `${name}:${userId}`, score: 1, source: name, sources: [name], explanation: '' }] }) as FeedPage,
    invalidate: (userId) => void calls.push(`${name}.invalidate(${userId})`),
    invalidateAll: () => void calls.push(`${name}.invalidateAll`),
    postsChanged: () => void calls.push(`${name}.postsChanged`),
    warm: async (ids) => {
      calls.push(`${name}.warm(${ids.join(',')})`);
      return ids.length;
    },
    similarPosts: async () => [],
    trending: (async () => []) as Feed['trending'],
  };
}

const sources: SourceSpec[] = [{ key: 'in-network', id: 'in-network', weight: 4 }, { key: 'rp3beta', id: 'rp3beta', weight: 1 }];
const experiment: ExperimentConfig = { name: 'x', salt: '', start: '2026-01-01T00:00:00Z', stop: '2026-02-01T00:00:00Z', arms: [{ name: 'c', share: 0.5 }, { name: 't', share: 0.5, feed: { sources: { rp3beta: 3 }, authorCap: 1 } }] };

describe('feeds of experiment arms', () => {
  it('lays an arm’s overrides over the served settings', () => {
    expect(armSources(sources, experiment.arms[1]!.feed)).toEqual([sources[0], { ...sources[1], weight: 3 }]);
    const feed = armFeedConfig(DEFAULT_CONFIG.feed, experiment.arms[1]!.feed);
    expect(feed.authorCap).toBe(1);
    expect(feed.pageSize).toBe(DEFAULT_CONFIG.feed.pageSize);
    expect(armFeedConfig(DEFAULT_CONFIG.feed, undefined)).toBe(DEFAULT_CONFIG.feed);
  });

  it('routes users to their arm while the experiment runs, and reaches every feed on writes', async () => {
    const calls: string[] = [];
    const built: { feed: ResonateConfig['feed']; sources: readonly SourceSpec[] }[] = [];
    let now = Date.parse('2026-01-15T00:00:00Z');
    const feed = withExperiments(recordingFeed('base', calls), {
      feed: DEFAULT_CONFIG.feed,
      sources,
      experiments: [experiment],
      build: (f, s) => {
        built.push({ feed: f, sources: s });
        return recordingFeed('arm-t', calls);
      },
      now: () => now,
    });
    // Only the arm with overrides gets a feed of its own.
    expect(built).toHaveLength(1);
    const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
    for (const u of users) {
      const served = (await feed.page(u)).items[0]!.source;
      expect(served).toBe(assignArm(experiment, u) === 't' ? 'arm-t' : 'base');
    }
    expect(feedForExposure(feed, { experiment: 'x', arm: 't' })).not.toBe(feedForExposure(feed, { experiment: 'x', arm: 'c' }));
    feed.invalidate('u1');
    feed.postsChanged();
    expect(calls).toEqual(['base.invalidate(u1)', 'arm-t.invalidate(u1)', 'base.postsChanged', 'arm-t.postsChanged']);
    calls.length = 0;
    expect(await feed.warm(users.slice(0, 6))).toBe(6);
    const treated = users.slice(0, 6).filter((u) => assignArm(experiment, u) === 't');
    expect(calls).toContain(`arm-t.warm(${treated.join(',')})`);
    // After the stop everyone is served by the configured feed.
    now = Date.parse('2026-03-01T00:00:00Z');
    for (const u of users) expect((await feed.page(u)).items[0]!.source).toBe('base');
  });

  it('is the configured feed itself when no arm changes a setting', () => {
    const base = recordingFeed('base', []);
    const plain = { ...experiment, arms: [{ name: 'c', share: 0.5 }, { name: 't', share: 0.5 }] };
    expect(withExperiments(base, { feed: DEFAULT_CONFIG.feed, sources, experiments: [plain], build: () => recordingFeed('never', []) })).toBe(base);
  });
});
