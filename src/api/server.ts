/**
 * @module The HTTP API (fastify): ingestion, feeds, similar posts, trending, search, OpenAPI at /docs, the
 * dashboard at /. Errors always come back as `{ error, code, message, statusCode }`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { Engine } from '../engine/index.js';
import { createError, httpReason, isResonateError, type ResonateError } from '../core/errors.js';
import { createAuth } from './auth.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerReadRoutes } from './routes/read.js';

export interface ServerOptions {
  /** Log requests (pino); off by default so tests and benchmarks stay quiet. */
  logRequests?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Finds the web/ folder from src/api (tsx) or dist/src/api (compiled). */
function webDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

export async function createServer(engine: Engine, options: ServerOptions = {}): Promise<FastifyInstance> {
  const config = engine.config;
  // Bodies of a full batch (10,000 rows) of posts fit in 64 MiB; anything larger is an error, not a crash.
  const app = Fastify({ logger: options.logRequests ? { level: 'info' } : false, bodyLimit: 64 * 1024 * 1024 });

  // Our own JSON parser: rejects invalid UTF-8 and malformed JSON with catalogued errors naming the problem.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(createError('INVALID_UTF8', { where: 'request body' }), undefined);
      return;
    }
    if (text.trim() === '') {
      done(createError('INVALID_JSON', { where: 'request body', problem: 'the body is empty' }), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(createError('INVALID_JSON', { where: 'request body', problem: (e as Error).message }), undefined);
    }
  });
  // Validation is done with zod in the engine (one schema, clear messages); JSON Schemas are for the docs.
  app.setValidatorCompiler(() => () => true);

  app.setErrorHandler((error: FastifyError | ResonateError, _request, reply) => {
    const e = toResonateError(error);
    if (e.statusCode >= 500) app.log.error(error);
    if (e.code === 'RATE_LIMITED') void reply.header('retry-after', '60');
    void reply.status(e.statusCode).send(e.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = createError('NOT_FOUND', { kind: 'route', id: `${request.method} ${request.url}` });
    void reply.status(404).send(e.toJSON());
  });

  await app.register(rateLimit, {
    max: config.server.rateLimit.max,
    timeWindow: config.server.rateLimit.timeWindowMs,
    keyGenerator: (req) => (req.headers['x-api-key'] as string | undefined) ?? req.ip,
    errorResponseBuilder: (_req, ctx) => {
      const e = createError('RATE_LIMITED', { retryAfter: ctx.after });
      return e.toJSON();
    },
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Resonate API', version: '0.1.0', description: 'Personalized feeds, similar posts, trending and search for social apps.' },
      components: { securitySchemes: { apiKey: { type: 'apiKey', name: 'x-api-key', in: 'header' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const auth = createAuth(config);
  registerIngestRoutes(app, engine, auth);
  registerReadRoutes(app, engine, auth);

  const web = webDir();
  if (config.server.dashboard && web) await app.register(fastifyStatic, { root: web, prefix: '/', index: 'index.html' });
  return app;
}

function toResonateError(error: FastifyError | ResonateError): ResonateError {
  if (isResonateError(error)) return error;
  const f = error as FastifyError & { statusCode?: number };
  // A rate-limit response built by errorResponseBuilder arrives as a plain object with our shape.
  const shaped = error as unknown as { code?: string; statusCode?: number };
  if (shaped.code === 'RATE_LIMITED') return createError('RATE_LIMITED', { retryAfter: '1 minute' });
  if (f.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return createError('BATCH_TOO_LARGE', { size: 'over 64 MiB of', kind: 'bytes', limit: '64 MiB' });
  if (f.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return createError('INVALID_INPUT', { field: 'content-type', problem: 'send application/json' });
  if (f.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return createError('INVALID_JSON', { where: 'request body', problem: 'the body is empty' });
  if (f.statusCode !== undefined && f.statusCode < 500) return createError('INVALID_INPUT', { field: 'request', problem: `${httpReason(f.statusCode)}: ${f.message}` });
  return createError('INTERNAL', { problem: f.message }, error);
}
