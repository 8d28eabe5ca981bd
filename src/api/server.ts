/**
 * @module The HTTP API (fastify): ingestion, feeds, similar posts, trending, search, OpenAPI at /docs, the
 * dashboard at /. Errors always come back as `{ error, code, message, statusCode }`; a 5xx answer carries a
 * generic message and a `requestId`, and the full error goes to the log under that id.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyListenOptions, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { Engine } from '../engine/index.js';
import { createError, httpReason, isResonateError, type ResonateError } from '../core/errors.js';
import { redactPaths, type Logger } from '../core/logger.js';
import { installAuth } from './auth.js';
import { installPseudonymization } from './privacy.js';
import { assertSafeBinding } from './binding.js';
import { requestBodyLimitBytes } from '../data/validate.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerRetractionRoutes } from './routes/retraction.js';
import { registerReadRoutes } from './routes/read.js';
import { registerUserRoutes } from './routes/users.js';
import { registerSocialRoutes } from './routes/social.js';
import { registerPrivateStatsRoutes } from './routes/private-stats.js';
import { registerComposeRoutes } from './routes/compose.js';
import { registerExperimentRoutes } from './routes/experiments.js';
import { registerModerationRoutes } from './routes/moderation.js';
import { registerCampaignRoutes } from './routes/campaigns.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerBlueskyRoutes, type BlueskyRouteOptions } from './routes/bluesky.js';
import { installMetrics, type MetricsOptions } from './metrics.js';

export { assertSafeBinding } from './binding.js';

export interface ServerOptions {
  /** Log every request and response at info level (errors are always logged); off by default. */
  logRequests?: boolean;
  /**
   * Where the server logs; defaults to the engine's logger (the CLI's logs at `log.level` on stderr, a library
   * engine's is silent unless given one). API keys, tokens and the Authorization header are redacted, and so are
   * the fields named in `privacy.neverLog`; request lines show query values only when they are plain numbers, and
   * user routes by their pattern (`/v1/users/:id/feed`), so no user id, search text or cursor is logged.
   */
  logger?: Logger;
  /** The Bluesky feed generator's DID resolution (tests); default from `bluesky.auth`. */
  bluesky?: BlueskyRouteOptions;
  /** GET /metrics: the aggregate of every process under `serve --processes`, and this process's label (metrics.ts). */
  metrics?: MetricsOptions;
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

const UPLOT_FILES = new Set(['/uPlot.esm.js', '/uPlot.min.css']);

/** The installed uPlot's dist/ folder, or undefined when the package is missing. */
function uplotDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/**
 * The first key that can pollute an object's prototype when copied with assignment (`Object.assign`, merges):
 * `__proto__`, or `constructor` holding an object. Walks with an explicit stack: bodies may nest deeply.
 */
function pollutingKey(root: unknown): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const v of value) stack.push(v);
      continue;
    }
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__' || (k === 'constructor' && v !== null && typeof v === 'object')) return k;
      stack.push(v);
    }
  }
  return undefined;
}

export async function createServer(engine: Engine, options: ServerOptions = {}): Promise<FastifyInstance> {
  const config = engine.config;
  const base = options.logger ?? engine.logger;
  const bodyLimit = requestBodyLimitBytes(config.server.maxBatch);
  const logger = base.child(
    { module: 'http' },
    { redact: { paths: redactPaths(config.privacy.neverLog), censor: '[redacted]' }, serializers: { req: requestForLog } },
  );
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: options.logRequests !== true }),
    // A random id: a 5xx answer names it and the log line of the error carries it as `reqId`.
    genReqId: () => randomUUID(),
    // A batch of `maxBatch` rows of the largest valid kind fits (posts and users are capped lower, see validate.ts).
    bodyLimit,
    // Errors fastify raises before routing (a malformed URL) get the same catalogued answer as any other.
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
  });

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
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      done(createError('INVALID_JSON', { where: 'request body', problem: (e as Error).message }), undefined);
      return;
    }
    // Like fastify's own parser: refuse prototype-poisoning keys (only scanned when the text names one).
    const bad = text.includes('__proto__') || text.includes('constructor') ? pollutingKey(value) : undefined;
    if (bad !== undefined) {
      done(createError('INVALID_JSON', { where: 'request body', problem: `the key "${bad}" is not allowed` }), undefined);
      return;
    }
    done(null, value);
  });
  // Validation is done with zod in the engine (one schema, clear messages); JSON Schemas are for the docs.
  app.setValidatorCompiler(() => () => true);
  // Answers are written with JSON.stringify, not compiled from the response schemas: a schema is documentation and
  // never drops a field the code returns (test/api/openapi-*.test.ts checks answers against their schemas).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((error: FastifyError | ResonateError, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const e = createError('NOT_FOUND', { kind: 'route', id: `${request.method} ${request.url.slice(0, 200)}` });
    void reply.status(404).send(e.toJSON());
  });

  // Authentication and rate limits run on every request before its body is read (auth.ts).
  // With `cache.url` set, the counters live in Redis: a limit holds across every process behind the balancer.
  await installAuth(app, config, engine.shared.rateLimit);

  // Registered before any route, so every route (GET /metrics too) is in the document.
  await app.register(swagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema 2020-12, what `z.toJSONSchema` writes (type arrays for nullable fields).
      openapi: '3.1.0',
      info: {
        title: 'Resonate API',
        version: '0.1.0',
        description: [
          'Personalized feeds, similar posts, trending and search for social apps.',
          'Authenticate with an API key (`x-api-key` or `Authorization: Bearer`) or an end-user token (a JWT, `Authorization: Bearer`), unless the server is open.',
          'Timestamps are answered as epoch milliseconds; rows may carry epoch milliseconds or ISO-8601 strings.',
          'A page size is `limit` on every route (`k`, its old name, is still read where it was).',
          'Errors are `{ error, code, message, statusCode }` with the codes of docs/errors.md.',
        ].join(' '),
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', name: 'x-api-key', in: 'header' },
          // End-user JWTs (server.userTokens): only on the routes that say so in their summary.
          userToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      security: [{ apiKey: [] }, { userToken: [] }],
    },
  });
  installMetrics(app, engine, options.metrics);
  const pseudonyms = installPseudonymization(app, config);
  registerIngestRoutes(app, engine, pseudonyms);
  registerRetractionRoutes(app, engine, pseudonyms);
  registerReadRoutes(app, engine);
  registerUserRoutes(app, engine);
  registerSocialRoutes(app, engine, pseudonyms);
  registerPrivateStatsRoutes(app, engine);
  registerModerationRoutes(app, engine);
  registerCampaignRoutes(app, engine);
  registerJobRoutes(app, engine);
  registerExperimentRoutes(app, engine);
  registerConsoleRoutes(app, engine);
  registerComposeRoutes(app, engine, pseudonyms);
  await registerBlueskyRoutes(app, engine, options.bluesky);

  // The API docs and the dashboard files are public: every route registered in this context is marked so. They
  // hold no data: the dashboard's own API calls go to the /v1 routes and need a key like any other client.
  await app.register(async (pub) => {
    pub.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await pub.register(swaggerUi, { routePrefix: '/docs' });
    const web = webDir();
    if (config.server.dashboard && web) {
      await pub.register(fastifyStatic, { root: web, prefix: '/', index: 'index.html' });
      // The console's charts: uPlot's ES module and stylesheet, served from the installed package (no build step).
      const uplot = uplotDir();
      if (uplot) await pub.register(fastifyStatic, { root: uplot, prefix: '/vendor/uplot/', decorateReply: false, allowedPath: (path) => UPLOT_FILES.has(path) });
    }
  });

  guardListen(app, engine);
  return app;
}

/**
 * A request as it appears in log lines: method, a URL with nothing personal in it (see `logUrl`), host and address.
 * Never headers (credentials) or the body.
 */
function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, url: logUrl(request), host: request.host, remoteAddress: request.ip };
}

/**
 * The URL of a request for the log: a route with a user-id parameter by its pattern, any other path as it is
 * (cut at 200 characters), and query values other than plain numbers (`limit=20`) replaced by `…`, so neither
 * user ids, search text nor cursors reach the log.
 */
export function logUrl(request: Pick<FastifyRequest, 'url'> & { routeOptions?: { url?: string; config?: { user?: string } } }): string {
  const url = typeof request.url === 'string' ? request.url : '';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const route = request.routeOptions;
  const shownPath = route?.config?.user !== undefined && route.url !== undefined ? route.url : path.slice(0, 200);
  if (q === -1) return shownPath;
  const query = url
    .slice(q + 1)
    .split('&')
    .slice(0, 20)
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair.slice(0, 64);
      const value = pair.slice(eq + 1);
      return `${pair.slice(0, Math.min(eq, 64))}=${/^\d{1,9}$/.test(value) ? value : '…'}`;
    })
    .join('&');
  return `${shownPath}?${query}`;
}

/** Refuses (OPEN_SERVER_NOT_LOOPBACK) to listen off loopback without API keys or user tokens, whoever calls `listen`. */
function guardListen(app: FastifyInstance, engine: Engine): void {
  const listen = app.listen.bind(app) as (...args: unknown[]) => unknown;
  const guarded = (...args: unknown[]): unknown => {
    const opts = (args[0] ?? {}) as FastifyListenOptions;
    try {
      // fastify listens on `localhost` when no host is given; a Unix socket path is not on the network.
      if (opts.path == null) assertSafeBinding(engine.config, opts.host ?? 'localhost');
    } catch (e) {
      const callback = args.at(-1);
      if (typeof callback === 'function') return void (callback as (err: unknown) => void)(e);
      return Promise.reject(e as Error);
    }
    return listen(...args);
  };
  app.listen = guarded as FastifyInstance['listen'];
}

function sendError(error: FastifyError | ResonateError, request: FastifyRequest, reply: FastifyReply): void {
  const e = toResonateError(error);
  if (e.retryAfterSeconds !== undefined) void reply.header('retry-after', String(e.retryAfterSeconds));
  // A busy or unreachable store is a named, expected 503: its message says what to do and carries nothing internal.
  if (e.code === 'STORE_UNAVAILABLE') request.log.warn({ err: error }, 'store unavailable');
  if (e.statusCode >= 500 && e.code !== 'STORE_BUSY' && e.code !== 'STORE_UNAVAILABLE') {
    // The stack and message stay in the log; the client gets an id to quote.
    request.log.error({ err: error }, 'request failed');
    void reply.status(e.statusCode).send({
      error: httpReason(e.statusCode), code: e.code, statusCode: e.statusCode, requestId: request.id,
      message: `internal error; the server log has the details under request id ${request.id}`,
    });
    return;
  }
  void reply.status(e.statusCode).send(e.toJSON());
}

function toResonateError(error: FastifyError | ResonateError): ResonateError {
  if (isResonateError(error)) return error;
  const f = error as FastifyError & { statusCode?: number };
  if (f.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return createError('BATCH_TOO_LARGE', { size: 'a body over the limit of', kind: 'bytes', limit: 'server.maxBatch rows of the largest valid kind' });
  if (f.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return createError('INVALID_INPUT', { field: 'content-type', problem: 'send application/json' });
  if (f.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return createError('INVALID_JSON', { where: 'request body', problem: 'the body is empty' });
  if (f.code === 'FST_ERR_BAD_URL') return createError('INVALID_INPUT', { field: 'url', problem: 'malformed URL (bad percent-encoding or characters)' });
  // Any other client error fastify raises (bad content length, unsupported media…): a named 400 of ours.
  if (f.statusCode !== undefined && f.statusCode >= 400 && f.statusCode < 500) {
    return createError('INVALID_INPUT', { field: 'request', problem: `${httpReason(f.statusCode)}: ${f.message.slice(0, 200)}` });
  }
  return createError('INTERNAL', { problem: f.message }, error);
}
