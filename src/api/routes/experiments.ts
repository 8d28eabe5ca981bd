/**
 * @module Experiment reports (admin): `GET /v1/admin/experiments` lists the configured experiments with whether
 * each is running; `GET /v1/admin/experiments/{name}` is the report `resonate experiments report NAME` prints.
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/index.js';
import { isRunning } from '../../experiments/assignment.js';
import { experimentReport } from '../../experiments/report/index.js';
import { errorSchema } from '../openapi.js';

const nameParams = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;

export function registerExperimentRoutes(app: FastifyInstance, engine: Engine): void {
  app.get(
    '/v1/admin/experiments',
    { config: { scope: 'admin' }, schema: { tags: ['admin'], summary: 'The configured experiments: arms, shares, window, and whether each runs now' } },
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
        response: { 404: errorSchema },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      return experimentReport(engine.store, engine.config.experiments, name);
    },
  );
}
