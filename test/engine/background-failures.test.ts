/**
 * Honest failures: a background model that cannot be trained on the data says why, once, in plain words; the
 * reason is on /health and in the stats, and its route answers MODEL_UNAVAILABLE with it.
 * The data: likes only (the behaviour predictor needs two event types) on posts without text or tags (the
 * topic model has no words).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';

function capturingLogger(): { logger: pino.Logger; lines: { msg: string; reason?: string; err?: unknown }[] } {
  const lines: { msg: string; reason?: string; err?: unknown }[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString()) as { msg: string }); done(); } });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

describe('background failures', () => {
  it('are kept with their reason, shown on /health, answered by their routes, and logged once', async () => {
    const { logger, lines } = capturingLogger();
    const engine = await createEngine({ logger, overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: false }, feed: { materializeUsers: 0 } } });
    const app = await createServer(engine);
    try {
      const users = Array.from({ length: 12 }, (_, u) => ({ id: `u${u}` }));
      const posts = Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, author: `u${i % 12}`, created_at: 1_700_000_000_000 }));
      const events = users.flatMap((u, k) => Array.from({ length: 6 }, (_, j) => ({ id: `${u.id}-${j}`, user: u.id, type: 'like', post: `p${(k * 5 + j) % 30}`, timestamp: 1_700_000_100_000 + j })));
      await engine.ingest('users', users);
      await engine.ingest('posts', posts);
      await engine.ingest('events', events);
      for (let round = 0; round < 2; round++) {
        await engine.train({ save: false });
        await engine.secondaryTraining();
      }
      const stats = await engine.stats();
      expect(stats).toMatchObject({ behavior: 'failed', topics: 'failed', compose: 'failed', replies: 'failed' });
      const reasons = new Map(stats.problems.map((p) => [p.model, p.reason]));
      expect(reasons.get('behavior')).toMatch(/second event type .* every event is a "like"/);
      expect(reasons.get('topics')).toMatch(/no text to find topics in/);
      expect(reasons.get('compose')).toMatch(/no post has text to learn completions from/);
      expect(reasons.get('replies')).toBe('smart replies need at least 50 (post, reply) pairs; the data has 0');

      const health = (await app.inject('/health')).json() as { problems: { model: string; reason: string }[] };
      expect(health.problems).toEqual(expect.arrayContaining([{ model: 'behavior', reason: reasons.get('behavior') }, { model: 'topics', reason: reasons.get('topics') }]));

      const behavior = await app.inject('/v1/users/u1/behavior');
      expect(behavior.statusCode).toBe(409);
      expect(behavior.json()).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
      expect(behavior.json().message).toContain(reasons.get('behavior'));
      const topics = await app.inject('/v1/trending?kind=topics');
      expect(topics.json()).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
      // The compose route still answers its hashtags, with the language model's reason beside them.
      const compose = await app.inject({ method: 'POST', url: '/v1/compose/suggest', payload: { text: 'hello' } });
      expect(compose.statusCode).toBe(200);
      expect(compose.json()).toMatchObject({ hashtags: [], completions: [] });
      expect(compose.json().completionsUnavailable).toContain(reasons.get('compose'));
      const replies = await app.inject('/v1/posts/p1/reply-suggestions');
      expect(replies.json()).toMatchObject({ code: 'MODEL_UNAVAILABLE', statusCode: 409 });
      expect(replies.json().message).toContain(reasons.get('replies'));

      // Two trainings, one line per failure, in words, without a stack trace.
      const failures = lines.filter((l) => /could not be trained/.test(l.msg));
      expect(failures.map((l) => l.msg).sort()).toEqual([
        `the behaviour predictor could not be trained: ${reasons.get('behavior')}`,
        `the compose language model could not be trained: ${reasons.get('compose')}`,
        `the reply suggester could not be trained: ${reasons.get('replies')}`,
        `the topic model could not be trained: ${reasons.get('topics')}`,
      ]);
      for (const l of failures) expect(l.err).toBeUndefined();
    } finally {
      await app.close();
      await engine.close();
    }
  }, 120_000);
});
