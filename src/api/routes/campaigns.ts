/**
 * @module Sponsored campaigns (admin): `POST /v1/admin/campaigns` creates one, `GET` lists them with their
 * delivery (impressions, clicks, spend per UTC day), `GET /v1/admin/campaigns/{id}` reads one, `PATCH` changes
 * it (pause and resume with `status`), `DELETE` removes it.
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/index.js';
import { errorSchema, idParams } from '../openapi.js';

const words = { type: 'array', items: { type: 'string' } };
const targetingSchema = {
  type: 'object',
  properties: { topics: { ...words, description: 'Topic words: viewers who engaged with or are shown posts with one of them' }, hashtags: { ...words, description: 'Hashtags (with or without #)' } },
  required: ['topics', 'hashtags'],
};

const campaignOut = {
  type: 'object',
  properties: {
    id: { type: 'string' }, postId: { type: 'string' }, targeting: targetingSchema,
    bid: { type: 'number', description: 'Most paid per click' }, dailyBudget: { type: 'number' }, frequencyCap: { type: 'integer', description: 'Impressions per viewer per UTC day' },
    startAt: { type: 'number' }, endAt: { type: ['number', 'null'] }, status: { type: 'string', enum: ['active', 'paused'] },
    createdAt: { type: 'number' }, updatedAt: { type: 'number' },
  },
  required: ['id', 'postId', 'targeting', 'bid', 'dailyBudget', 'frequencyCap', 'startAt', 'endAt', 'status', 'createdAt', 'updatedAt'],
};

const CAMPAIGN_EXAMPLE = {
  id: 'spring-jazz', postId: 'p42', targeting: { topics: ['jazz'], hashtags: ['music'] }, bid: 0.8, dailyBudget: 50, frequencyCap: 3,
  startAt: 1765152000000, endAt: null, status: 'active', createdAt: 1765152000000, updatedAt: 1765152000000,
};

const dayOut = {
  type: 'object',
  properties: { day: { type: 'string' }, impressions: { type: 'integer' }, clicks: { type: 'integer' }, spend: { type: 'number' } },
  required: ['day', 'impressions', 'clicks', 'spend'],
};
const deliveryOut = {
  type: 'object',
  properties: {
    campaign: campaignOut, today: dayOut, days: { type: 'array', items: dayOut },
    totals: { type: 'object', properties: { impressions: { type: 'integer' }, clicks: { type: 'integer' }, spend: { type: 'number' }, ctr: { type: 'number' } }, required: ['impressions', 'clicks', 'spend', 'ctr'] },
  },
  required: ['campaign', 'today', 'days', 'totals'],
};
const DELIVERY_EXAMPLE = {
  campaign: CAMPAIGN_EXAMPLE, today: { day: '2025-12-08', impressions: 1200, clicks: 30, spend: 21.5 },
  days: [{ day: '2025-12-08', impressions: 1200, clicks: 30, spend: 21.5 }], totals: { impressions: 1200, clicks: 30, spend: 21.5, ctr: 0.025 },
};

const bodySchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'Optional on create (a fresh id is made); never changes' },
    postId: { type: 'string', description: 'The creative: a stored post' },
    targeting: { type: 'object', description: '{ topics: [...], hashtags: [...] }; both empty or absent: everyone. No community targeting.' },
    bid: { type: 'number', description: 'Most paid per click (> 0)' },
    dailyBudget: { type: 'number', description: 'Most spent per UTC day (> 0), paced evenly over the day' },
    frequencyCap: { type: 'integer', description: 'Impressions per viewer per UTC day (default 3)' },
    startAt: { type: 'number', description: 'Epoch ms (default now)' },
    endAt: { type: ['number', 'null'], description: 'Epoch ms, null for no end' },
    status: { type: 'string', description: '"active" (default) or "paused"' },
  },
  examples: [{ id: 'spring-jazz', postId: 'p42', targeting: { topics: ['jazz'], hashtags: ['music'] }, bid: 0.8, dailyBudget: 50, frequencyCap: 3 }],
};

export function registerCampaignRoutes(app: FastifyInstance, engine: Engine): void {
  app.post('/v1/admin/campaigns', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'], summary: 'Creates a sponsored campaign (creative post, targeting, bid per click, daily budget, frequency cap, schedule)',
      body: bodySchema,
      response: { 200: { ...campaignOut, examples: [CAMPAIGN_EXAMPLE] }, 400: errorSchema, 409: errorSchema, 422: errorSchema },
    },
  }, async (request) => engine.campaigns.create(request.body));

  app.get('/v1/admin/campaigns', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'], summary: 'Every campaign with its delivery: today\'s and each day\'s impressions, clicks and spend, and the totals',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: deliveryOut } }, required: ['items'], examples: [{ items: [DELIVERY_EXAMPLE] }] } },
    },
  }, async () => ({ items: await engine.campaigns.delivery() }));

  app.get('/v1/admin/campaigns/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'], summary: 'One campaign with its delivery per day', params: idParams('The campaign'),
      response: { 200: { ...deliveryOut, examples: [DELIVERY_EXAMPLE] }, 404: errorSchema },
    },
  }, async (request) => (await engine.campaigns.delivery((request.params as { id: string }).id))[0]);

  app.patch('/v1/admin/campaigns/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'], summary: 'Changes a campaign (any field but its id); `status: "paused"` stops it at once, `"active"` starts it again', params: idParams('The campaign'),
      body: bodySchema,
      response: { 200: { ...campaignOut, examples: [{ ...CAMPAIGN_EXAMPLE, status: 'paused' }] }, 400: errorSchema, 404: errorSchema, 422: errorSchema },
    },
  }, async (request) => engine.campaigns.update((request.params as { id: string }).id, request.body));

  app.delete('/v1/admin/campaigns/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'], summary: 'Deletes a campaign and its delivery counters (its served impressions stay out of training)', params: idParams('The campaign'),
      response: { 200: { type: 'object', properties: { deleted: { type: 'string' } }, required: ['deleted'], examples: [{ deleted: 'spring-jazz' }] }, 404: errorSchema },
    },
  }, async (request) => {
    const { id } = request.params as { id: string };
    await engine.campaigns.remove(id);
    return { deleted: id };
  });
}
