/**
 * @module One API process of `resonate serve --processes N` (a node:cluster worker): the same server as a single
 * `serve`, sharing the port with its siblings. Slot 0 loads or trains the models, retrains in the background
 * (`models.retrainEvery`, `POST /v1/admin/train` sent to any process) and applies retention; the other slots only
 * load the saved version, then adopt each version slot 0 announces through Redis (`Lifecycle.adopt`).
 * GET /metrics answers with the metrics of every process, summed by the primary.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Engine } from '../../engine/index.js';
import { closeOnError, listen, loadOrTrain, prepare } from '../serve-steps.js';
import { assertSafeBinding } from '../../api/server.js';
import { isMessage, SLOT_ENV, type ToPrimary, type ToProcess } from './messages.js';

/** Seconds between attempts of a process other than slot 0 to find a saved version to serve. */
const LOAD_RETRY_MS = 5_000;
/** A metrics request the primary does not answer in this time fails (it waits 5 s for each process itself). */
const METRICS_TIMEOUT_MS = 8_000;

function toPrimary(message: ToPrimary): void {
  process.send?.(message);
}

/** GET /metrics of every process: asks the primary, which asks each process for its registry and sums them. */
function clusterMetrics(): { aggregate: () => Promise<string>; share: (registry: Registry) => void } {
  let next = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (e: Error) => void }>();
  process.on('message', (message: ToProcess) => {
    if (!isMessage<ToProcess & { type: 'resonate:metrics' }>(message, 'resonate:metrics')) return;
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.text !== undefined) w?.resolve(message.text);
    else w?.reject(new Error(`metrics of the API processes: ${message.error ?? 'no answer'}`));
  });
  return {
    aggregate: () => new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('metrics of the API processes: the primary did not answer'));
      }, METRICS_TIMEOUT_MS);
      waiting.set(id, { resolve: (t) => (clearTimeout(timer), resolve(t)), reject: (e) => (clearTimeout(timer), reject(e)) });
      toPrimary({ type: 'resonate:metrics-request', id });
    }),
    share: (registry) => {
      // Constructing one installs prom-client's answer to the primary's requests; this registry is what it sends.
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([registry]);
    },
  };
}

/** Loads the saved version, retrying until slot 0 has written one. */
async function loadWhenSaved(engine: Engine): Promise<void> {
  for (;;) {
    const loaded = await engine.load();
    if (loaded) return;
    engine.logger.warn({}, 'no saved model version matches this configuration yet; trying again');
    await new Promise((r) => setTimeout(r, LOAD_RETRY_MS));
  }
}

export async function runServingProcess(engine: Engine, opts: { host?: string; port?: string }): Promise<void> {
  const slot = process.env[SLOT_ENV] ?? '0';
  await closeOnError(engine, () => assertSafeBinding(engine.config, opts.host ?? engine.config.server.host));
  const app = await prepare(engine, { metrics: { process: slot, ...clusterMetrics() } });
  if (slot === '0') {
    process.on('message', (message: ToProcess) => {
      if (isMessage(message, 'resonate:retrain')) void engine.retrain();
    });
    await loadOrTrain(engine);
  } else {
    // Only slot 0 trains: a retraining asked of this process (POST /v1/admin/train) is sent there.
    engine.retrain = () => {
      toPrimary({ type: 'resonate:retrain' });
      return Promise.resolve();
    };
    await loadWhenSaved(engine);
  }
  const address = await listen(engine, app, { ...opts, quiet: true });
  toPrimary({ type: 'resonate:ready', address });
}
