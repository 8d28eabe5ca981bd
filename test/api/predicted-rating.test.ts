import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';

/** 6 users rate 6 films on 1–5: rating = 3 + user bias + film bias (u5 never rated f5). */
const userBias = [1, 0.5, 0, 0, -0.5, -1], filmBias = [1, 0.5, 0, 0, -0.5, -1];
const users = userBias.map((_, u) => ({ id: `u${u}` }));
const posts = [{ id: 'studio-intro', author: 'studio', text: 'hello', created_at: 1 }, ...filmBias.map((_, f) => ({ id: `f${f}`, author: 'studio', text: `film ${f}`, created_at: 1 }))];
const events = userBias.flatMap((bu, u) => filmBias.flatMap((bi, f) => (u === 5 && f === 5 ? [] : [{ id: `r${u}-${f}`, user: `u${u}`, type: 'rating', post: `f${f}`, value: 3 + bu + bi, timestamp: 1000 + u * 10 + f }])));

async function engineWith(ratings: Record<string, unknown>): Promise<{ engine: Engine; app: FastifyInstance }> {
  const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-rating-test-models`, ranker: false, behavior: false, validate: false }, ratings } });
  const app = await createServer(engine);
  for (const [kind, rows] of [['users', [...users, { id: 'studio' }]], ['posts', posts], ['events', events]] as const) {
    const res = await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows });
    expect(res.statusCode, res.body).toBe(200);
  }
  await engine.train({ save: false });
  return { engine, app };
}

describe('GET /v1/users/{id}/predicted-rating', () => {
  let served: { engine: Engine; app: FastifyInstance };
  beforeAll(async () => {
    served = await engineWith({ model: 'rating/baseline', params: { regUser: 0, regItem: 0, epochs: 50 } });
  });
  afterAll(async () => {
    await served.app.close();
    await served.engine.close();
  });

  it('predicts a planted rating with the model id and the scale of the data', async () => {
    const res = await served.app.inject('/v1/users/u0/predicted-rating?post=f1');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { user: string; post: string; rating: number; model: string; scale: { min: number; max: number }; rated?: number };
    // The ratings run from 1.5 (u5 on f4) to 5 (u0 on f0): the inferred scale.
    expect(body).toMatchObject({ user: 'u0', post: 'f1', model: 'rating/baseline', scale: { min: 1.5, max: 5 }, rated: 4.5 });
    // The biases explain the ratings exactly.
    expect(body.rating).toBeCloseTo(4.5, 2);
  });

  it('clips to the scale: the unrated cell (u5, f5), planted at 3 − 1 − 1 = 1, answers the scale minimum 1.5', async () => {
    const body = (await served.app.inject('/v1/users/u5/predicted-rating?post=f5')).json() as { rating: number; rated?: number };
    expect(body.rating).toBe(1.5);
    expect(body.rated).toBeUndefined();
  });

  it('answers named errors: missing post, unknown user or post, a rating outside the scale (nothing written)', async () => {
    expect((await served.app.inject('/v1/users/u0/predicted-rating')).json()).toMatchObject({ code: 'INVALID_INPUT', statusCode: 400 });
    expect((await served.app.inject('/v1/users/nobody/predicted-rating?post=f1')).json()).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
    expect((await served.app.inject('/v1/users/u0/predicted-rating?post=nothing')).json()).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
    const before = (await served.app.inject('/v1/stats')).json().events as number;
    const res = await served.app.inject({ method: 'POST', url: '/v1/events', payload: [{ id: 'ok', user: 'u5', type: 'rating', post: 'f5', value: 2, timestamp: 5000 }, { id: 'bad', user: 'u5', type: 'rating', post: 'f4', value: 7, timestamp: 5001 }] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'RATING_OUT_OF_SCALE' });
    expect(res.json().message).toContain('events[1].value');
    expect((await served.app.inject('/v1/stats')).json().events).toBe(before);
  });
});

describe('without a rating model', () => {
  it('says how to enable one', async () => {
    const { engine, app } = await engineWith({});
    const res = await app.inject('/v1/users/u0/predicted-rating?post=f1');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'RATINGS_NOT_CONFIGURED' });
    expect(res.json().message).toContain('ratings.model');
    await app.close();
    await engine.close();
  });

  it('a configured scale bounds the ratings a server with a rating model accepts (FilmTrust: 0.5–4)', async () => {
    const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, ratings: { model: 'rating/svd', scale: [0.5, 4] } } });
    const app = await createServer(engine);
    await app.inject({ method: 'POST', url: '/v1/users', payload: [{ id: 'a' }, { id: 's' }] });
    await app.inject({ method: 'POST', url: '/v1/posts', payload: [{ id: 'm', author: 's', text: 'film', created_at: 1 }] });
    const rate = (id: string, value: number) => app.inject({ method: 'POST', url: '/v1/events', payload: [{ id, user: 'a', type: 'rating', post: 'm', value, timestamp: 10 }] });
    expect((await rate('low', 0.5)).statusCode).toBe(200);
    const high = await rate('high', 4.5);
    expect(high.statusCode).toBe(400);
    expect(high.json().message).toBe('events[0].value: rating 4.5 is outside the rating scale 0.5–4');
    await app.close();
    await engine.close();
  });

  it('refuses an unknown rating model at start', async () => {
    await expect(createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, ratings: { model: 'rating/nope' } } })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
