/**
 * @module Experiment reports (admin): `GET /v1/admin/experiments` lists the configured experiments with whether
 * each is running; `GET /v1/admin/experiments/{name}` is the report `resonate experiments report NAME` prints.
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/index.js';
import { isRunning } from '../../experiments/assignment.js';
import { experimentReport } from '../../experiments/report/index.js';
import { errors } from '../openapi.js';

const nameParams = { type: 'object', properties: { name: { type: 'string', description: 'The experiment (`experiments[].name`)' } }, required: ['name'] } as const;
const listOut = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          running: { type: 'boolean', description: 'Whether now is inside its window' },
          start: { type: ['string', 'null'], description: 'Start of the window, as configured (ISO-8601); null: open' },
          stop: { type: ['string', 'null'], description: 'End of the window, as configured (ISO-8601); null: open' },
          arms: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' }, share: { type: 'number', description: 'Share of users (0..1)' }, feed: { type: 'object', additionalProperties: true, description: 'The arm\'s feed overrides' } }, required: ['name', 'share', 'feed'] },
          },
        },
        required: ['name', 'running', 'start', 'stop', 'arms'],
        additionalProperties: true,
      },
    },
  },
  required: ['items'],
  example: { items: [{ name: 'ranker-weight', running: true, start: '2026-01-05T00:00:00Z', stop: null, arms: [{ name: 'control', share: 0.5, feed: {} }, { name: 'heavy-ranker', share: 0.5, feed: { rankerWeight: 0.8 } }] }] },
};
const estimateOut = { type: 'object', properties: { value: { type: 'number' }, se: { type: 'number', description: 'Standard error' }, low: { type: 'number' }, high: { type: 'number' } }, required: ['value', 'se', 'low', 'high'], description: 'Estimate with its 95 % interval' };
const reportOut = {
  type: 'object',
  properties: {
    experiment: { type: 'string' },
    start: { type: 'string', description: 'Start of the window measured (ISO-8601)' },
    stop: { type: 'string', description: 'End of the window measured (ISO-8601)' },
    control: { type: 'string', description: 'The control arm (the first)' },
    arms: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' }, share: { type: 'number' }, users: { type: 'integer' }, impressions: { type: 'integer' },
          metrics: { type: 'object', additionalProperties: estimateOut, description: 'By metric: ctr, likesPerImpression, sharesPerImpression, hidesPerImpression, reportsPerImpression, dwellSecondsPerImpression, sessionDepth, sessionsPerUserDay' },
          catalogueCoverage: { type: 'number', description: 'Distinct posts shown / posts in the store' },
          authorCoverage: { type: 'number', description: 'Distinct authors shown / authors with a post' },
        },
        required: ['name', 'share', 'users', 'impressions', 'metrics'],
        additionalProperties: true,
      },
    },
    comparisons: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          arm: { type: 'string' }, metric: { type: 'string' }, difference: { ...estimateOut, description: 'Arm − control' },
          relative: { type: ['number', 'null'], description: 'Difference / control value (null when the control is 0)' },
          cuped: { type: 'object', additionalProperties: true, description: 'The CUPED-adjusted difference, its variance reduction and theta' },
        },
        required: ['arm', 'metric', 'difference'],
        additionalProperties: true,
      },
    },
    sampleRatio: { type: 'object', properties: { chiSquare: { type: 'number' }, degreesOfFreedom: { type: 'integer' }, pValue: { type: 'number' }, mismatch: { type: 'boolean' } }, additionalProperties: true },
    crossovers: { type: 'integer', description: 'Users seen in more than one arm' },
  },
  required: ['experiment', 'start', 'stop', 'control', 'arms', 'comparisons', 'sampleRatio'],
  additionalProperties: true,
  example: {
    experiment: 'ranker-weight', start: '2026-01-05T00:00:00.000Z', stop: '2026-01-12T00:00:00.000Z', control: 'control',
    arms: [
      { name: 'control', share: 0.5, users: 512, impressions: 40210, metrics: { ctr: { value: 0.081, se: 0.004, low: 0.073, high: 0.089 } }, catalogueCoverage: 0.31, authorCoverage: 0.44 },
      { name: 'heavy-ranker', share: 0.5, users: 498, impressions: 39877, metrics: { ctr: { value: 0.093, se: 0.004, low: 0.085, high: 0.101 } }, catalogueCoverage: 0.27, authorCoverage: 0.41 },
    ],
    comparisons: [{ arm: 'heavy-ranker', metric: 'ctr', difference: { value: 0.012, se: 0.0057, low: 0.0008, high: 0.0232 }, relative: 0.148, cuped: { difference: { value: 0.011, se: 0.0041, low: 0.003, high: 0.019 }, varianceReduction: 0.48, theta: 0.62 } }],
    sampleRatio: { chiSquare: 0.19, degreesOfFreedom: 1, pValue: 0.66, mismatch: false },
    crossovers: 0,
  },
};

export function registerExperimentRoutes(app: FastifyInstance, engine: Engine): void {
  app.get(
    '/v1/admin/experiments',
    { config: { scope: 'admin' }, schema: { tags: ['admin'], summary: 'The configured experiments: arms, shares, window, and whether each runs now', response: { 200: listOut } } },
    async () => {
      const now = Date.now();
      return {
        items: engine.config.experiments.map((x) => ({
          name: x.name,
          running: isRunning(x, now),
          start: x.start ?? null,
          stop: x.stop ?? null,
          arms: x.arms.map((a) => ({ name: a.name, share: a.share, feed: a.feed ?? {} })),
        })),
      };
    },
  );

  app.get(
    '/v1/admin/experiments/:name',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: "An experiment's report: per-arm metrics with 95 % intervals clustered by user, differences from the control (raw and CUPED), sample-ratio check",
        params: nameParams,
        response: { 200: reportOut, ...errors(404) },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      return experimentReport(engine.store, engine.config.experiments, name);
    },
  );
}
