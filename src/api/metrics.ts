/**
 * @module GET /metrics in the Prometheus text format (prom-client), one registry per server:
 *
 * - `resonate_http_request_duration_seconds{method,route,status_code}`: a histogram per route pattern (never a
 *   user's id); its `_count` gives request rates.
 * - `resonate_ingest_batches_in_flight`, `resonate_impression_log_pending_rows` (queue depths),
 *   `resonate_impression_log_written_rows_total`, `resonate_impression_log_dropped_rows_total`.
 * - `resonate_model_version{process}`: the serving version of each process (so a process that lags is seen).
 * - `resonate_feed_first_pages_total{origin="local"|"shared"|"ranked"}`: how first pages were answered; the cache
 *   hit rate is (local + shared) / all.
 * - `resonate_job_queue_depth{queue,state="waiting"|"active"|"dead"}` with `jobs.backend`: the depth of each job
 *   queue, read from the queue's server at the scrape (every process reads the same queues: not summed).
 * - Node's process metrics (`process_cpu_seconds_total`, heap, event-loop lag) from `collectDefaultMetrics`.
 *
 * Under `resonate serve --processes N` the answer is the sum over every API process (prom-client's
 * AggregatorRegistry in the primary, asked through `ServerOptions.metrics.aggregate`); only the model version keeps
 * a `process` label (the slot number) instead of being summed.
 */
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Engine } from '../engine/index.js';
import { firstPageCounts, type FirstPageOrigin } from '../feed/first-page-cache.js';
import { jobsOverview } from '../jobs/job-queue.js';

export interface MetricsOptions {
  /** The metrics of every process (cluster primary), replacing this server's own; undefined serves this process's. */
  aggregate?: () => Promise<string>;
  /** Label of this process in `resonate_model_version` (the slot under `--processes`); default "0". */
  process?: string;
  /** Given this server's registry once made (a cluster process hands it to prom-client's aggregation). */
  share?: (registry: Registry) => void;
}

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ORIGINS: readonly FirstPageOrigin[] = ['local', 'shared', 'ranked'];

/** Queue depths read when scraped; a queue that does not answer in 2 s leaves the gauge out of this scrape. */
function jobDepthGauge(registry: Registry, engine: Engine): void {
  new Gauge({
    name: 'resonate_job_queue_depth', help: 'Jobs per queue: waiting (with retries pending), active, dead (failed every attempt)', labelNames: ['queue', 'state'] as const, registers: [registry],
    // The same queues for every API process: the cluster sum would count them N times.
    aggregator: 'first',
    async collect() {
      this.reset();
      try {
        const { queues } = await jobsOverview(engine.config.jobs.backend, () => engine.jobs(), 2000, 1);
        for (const q of queues) for (const state of ['waiting', 'active', 'dead'] as const) this.set({ queue: q.name, state }, q[state]);
      } catch {
        // Unreachable: no sample this time (the API's /v1/admin/jobs names the problem).
      }
    },
  });
}

/** The registry of one server's metrics, read from the engine when scraped. */
export function createMetricsRegistry(engine: Engine, options: MetricsOptions = {}): { registry: Registry; requests: Histogram<'method' | 'route' | 'status_code'> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Histogram({
    name: 'resonate_http_request_duration_seconds', help: 'HTTP request latency by route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const, buckets: BUCKETS, registers: [registry],
  });
  new Gauge({
    name: 'resonate_ingest_batches_in_flight', help: 'Write batches accepted and not yet answered (queued for the store or committing)', registers: [registry],
    collect() { this.set(engine.runtime().ingestInFlight); },
  });
  new Gauge({
    name: 'resonate_impression_log_pending_rows', help: 'Served items buffered for the impression log, not yet committed', registers: [registry],
    collect() { this.set(engine.runtime().impressions.pending); },
  });
  monotonic(registry, 'resonate_impression_log_written_rows_total', 'Impression rows committed to the store', () => engine.runtime().impressions.written);
  monotonic(registry, 'resonate_impression_log_dropped_rows_total', 'Impression rows dropped (store failing and buffer full)', () => engine.runtime().impressions.dropped);
  if (engine.config.jobs.backend !== 'none') jobDepthGauge(registry, engine);
  const label = options.process ?? '0';
  new Gauge({
    name: 'resonate_model_version', help: 'Serving model version of each API process (-1: none yet)', labelNames: ['process'] as const, registers: [registry],
    collect() { this.set({ process: label }, engine.runtime().modelVersion ?? -1); },
  });
  const seen: Record<FirstPageOrigin, number> = { local: 0, shared: 0, ranked: 0 };
  const firstPages = new Counter({
    name: 'resonate_feed_first_pages_total', help: 'First feed pages by origin: local memory, shared (Redis), ranked', labelNames: ['origin'] as const, registers: [registry],
    // Follows the process-wide counts: each scrape adds what happened since the last one.
    collect() {
      const now = firstPageCounts();
      for (const origin of ORIGINS) {
        this.inc({ origin }, Math.max(0, now[origin] - seen[origin]));
        seen[origin] = Math.max(seen[origin], now[origin]);
      }
    },
  });
  for (const origin of ORIGINS) firstPages.inc({ origin }, 0);
  return { registry, requests };
}

/** A counter that mirrors a running total kept elsewhere. */
function monotonic(registry: Registry, name: string, help: string, read: () => number): void {
  let last = 0;
  new Counter({
    name, help, registers: [registry],
    collect() {
      const now = read();
      if (now > last) this.inc(now - last);
      last = Math.max(last, now);
    },
  });
}

/**
 * Times every request by its route pattern and serves GET /metrics: public when `metrics.public`, else for a key
 * with the `metrics` (or `admin`) scope. Call before the routes are registered.
 */
export function installMetrics(app: FastifyInstance, engine: Engine, options: MetricsOptions = {}): Registry {
  const { registry, requests } = createMetricsRegistry(engine, options);
  options.share?.(registry);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const access: FastifyContextConfig = engine.config.metrics.public ? { public: true } : { scope: 'metrics' };
  app.get('/metrics', {
    config: access,
    schema: {
      tags: ['admin'],
      summary: 'Prometheus metrics: request latencies by route, queue depths, model version, feed cache hits (public, or a key with the metrics scope, per metrics.public)',
      ...(engine.config.metrics.public ? { security: [] } : {}),
      produces: ['text/plain'],
      response: {
        200: {
          description: 'Prometheus text exposition format 0.0.4',
          content: { 'text/plain': { schema: { type: 'string', example: '# TYPE resonate_model_version gauge\nresonate_model_version{process="0"} 3\n' } } },
        },
      },
    },
  }, async (_request, reply) => {
    const text = options.aggregate ? await options.aggregate() : await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  return registry;
}
