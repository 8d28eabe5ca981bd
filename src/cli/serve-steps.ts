/**
 * @module The steps of `resonate start` / `serve`, shared by the single process and the processes of
 * `serve --processes N`: build the server, load or train the models, listen.
 */
import type { FastifyInstance } from 'fastify';
import { createProgressBar } from '../core/progress.js';
import { createServer, type ServerOptions } from '../api/server.js';
import { isOpenServer } from '../api/binding.js';
import type { Engine } from '../engine/index.js';
import { scheduleRetention } from '../engine/retention.js';

/** Builds the server before any model loads or trains, so its plugins start while the event loop is free. */
export async function prepare(engine: Engine, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = await createServer(engine, options);
  await app.ready();
  return app;
}

/** Listens, prints where, and closes the server and the engine on SIGINT / SIGTERM. Returns the address. */
export async function listen(engine: Engine, app: FastifyInstance, opts: { host?: string; port?: string; quiet?: boolean }): Promise<string> {
  const host = opts.host ?? engine.config.server.host;
  const port = opts.port !== undefined ? Number(opts.port) : engine.config.server.port;
  const address = await app.listen({ host, port });
  if (!opts.quiet) {
    if (isOpenServer(engine.config)) console.error('warning: no API keys or user tokens configured; the API is open to this machine only (set server.apiKeys in resonate.config.json)');
    console.log(`Resonate is serving on ${address}  (dashboard /, API docs /docs)`);
  }
  const stop = async (): Promise<void> => {
    await app.close();
    await engine.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return address;
}

/**
 * Serves the newest saved version that matches the config, at once; retrains in the background when the data
 * changed since it was trained. Trains in the foreground only when no version matches. Then schedules retraining
 * and retention.
 */
export async function loadOrTrain(engine: Engine): Promise<void> {
  if (engine.config.jobs.backend !== 'none') return loadFromWorkers(engine);
  const loaded = await engine.load();
  if (loaded) {
    console.log(`Serving model version v${loaded.manifest.version} (trained ${loaded.manifest.createdAt})`);
    if (await engine.dataChanged()) {
      console.log('The data changed since that version: retraining in the background');
      void engine.retrain();
    }
  } else {
    const bar = createProgressBar('train');
    const report = await engine.train({ progress: bar.report });
    bar.stop();
    console.log(`Trained ${report.models.map((m) => `${m.id} (${m.fitSeconds.toFixed(1)} s)`).join(', ')} on ${report.users} users × ${report.items} posts (model version v${report.version})`);
  }
  engine.scheduleRetraining();
  // The process that trains also applies retention (retention.*; off by default).
  scheduleRetention(engine.store, engine.config.retention, engine.logger);
}

/** Seconds between looks for the first version a worker publishes. */
const FIRST_VERSION_POLL_MS = 2_000;

/**
 * With `jobs.backend`: workers train (`resonate worker`) and this process loads what they publish. A training job
 * is enqueued when there is no version yet or the data changed; with none, this waits for the first one.
 */
async function loadFromWorkers(engine: Engine): Promise<void> {
  let loaded = await engine.load();
  if (!loaded || (await engine.dataChanged())) {
    console.log(loaded ? 'The data changed since that version: a training job is enqueued' : 'No saved model version: a training job is enqueued; waiting for a worker (`resonate worker`) to publish one');
    await engine.retrain();
  }
  while (!loaded) {
    await new Promise((r) => setTimeout(r, FIRST_VERSION_POLL_MS));
    loaded = await engine.load();
  }
  console.log(`Serving model version v${loaded.manifest.version} (trained ${loaded.manifest.createdAt})`);
}

/** Runs `check`; when it throws, closes the engine first. */
export async function closeOnError(engine: Engine, check: () => void): Promise<void> {
  try {
    check();
  } catch (e) {
    await engine.close();
    throw e;
  }
}
