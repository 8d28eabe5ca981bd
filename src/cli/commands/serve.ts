/**
 * @module `resonate start` (demo network if empty, train, serve) and `resonate serve`.
 */
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { createProgressBar } from '../../core/progress.js';
import { assertSafeBinding, createServer } from '../../api/server.js';
import { isOpenServer } from '../../api/binding.js';
import { generateToStore } from '../../data/synthetic/index.js';
import type { Engine } from '../../engine/index.js';
import { engineFrom } from '../shared.js';

/** Builds the server before any model loads or trains, so its plugins start while the event loop is free. */
async function prepare(engine: Engine): Promise<FastifyInstance> {
  const app = await createServer(engine);
  await app.ready();
  return app;
}

async function listen(engine: Engine, app: FastifyInstance, opts: { host?: string; port?: string }): Promise<void> {
  const host = opts.host ?? engine.config.server.host;
  const port = opts.port !== undefined ? Number(opts.port) : engine.config.server.port;
  await app.listen({ host, port });
  if (isOpenServer(engine.config)) console.error('warning: no API keys or user tokens configured; the API is open to this machine only (set server.apiKeys in resonate.config.json)');
  console.log(`Resonate is serving on http://${host}:${port}  (dashboard /, API docs /docs)`);
  const stop = async (): Promise<void> => {
    await app.close();
    await engine.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/**
 * Serves the newest saved version that matches the config, at once; retrains in the background when the data
 * changed since it was trained. Trains in the foreground only when no version matches.
 */
async function loadOrTrain(engine: Engine): Promise<void> {
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
}

async function closeOnError(engine: Engine, check: () => void): Promise<void> {
  try {
    check();
  } catch (e) {
    await engine.close();
    throw e;
  }
}

export function registerServeCommands(program: Command): void {
  program
    .command('start')
    .description('create the store with the demo network if it is empty, load the saved models (or train them), and serve')
    .option('--host <host>', 'address to listen on')
    .option('--port <port>', 'port to listen on')
    .action(async (opts: { host?: string; port?: string }, cmd: Command) => {
      const t0 = performance.now();
      const engine = await engineFrom(cmd);
      // Refuse an open server on a public address before generating or training anything.
      await closeOnError(engine, () => assertSafeBinding(engine.config, opts.host ?? engine.config.server.host));
      const counts = await engine.store.counts();
      if (counts.posts === 0) {
        const { users, seed } = engine.config.demo;
        console.log(`Empty store: generating the demo social network (${users} users, seed ${seed})…`);
        const bar = createProgressBar('generate');
        const { summary } = await generateToStore(engine.store, { users, seed }, bar.report);
        bar.stop();
        console.log(`  ${summary.users} users, ${summary.posts} posts, ${summary.follows} follows, ${summary.events} events`);
      }
      const app = await prepare(engine);
      await loadOrTrain(engine);
      await listen(engine, app, opts);
      console.log(`Ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });

  program
    .command('serve')
    .description('serve the saved model version (training first when there is none) with the API and dashboard')
    .option('--host <host>', 'address to listen on')
    .option('--port <port>', 'port to listen on')
    .action(async (opts: { host?: string; port?: string }, cmd: Command) => {
      const engine = await engineFrom(cmd);
      await closeOnError(engine, () => assertSafeBinding(engine.config, opts.host ?? engine.config.server.host));
      const app = await prepare(engine);
      await loadOrTrain(engine);
      await listen(engine, app, opts);
    });
}
