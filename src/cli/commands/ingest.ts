/**
 * @module `resonate ingest --nats URL --stream S --subject X`: writes the messages of a NATS JetStream subject
 * into the store through the ingest path (src/bus/nats-ingest.ts) until stopped; SIGINT / SIGTERM finish the round
 * under way, acknowledge it and print the counts.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { NatsIngester } from '../../bus/nats-ingest.js';
import { engineFrom, printJson } from '../shared.js';

function positive(raw: string, field: string, max: number): number {
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 1 && n <= max)) throw createError('INVALID_INPUT', { field, problem: `expected an integer from 1 to ${max}, got ${JSON.stringify(raw)}` });
  return n;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('write the messages of a NATS JetStream subject into the store (acknowledged after the store commit) until stopped')
    .requiredOption('--nats <url>', 'NATS server, e.g. nats://127.0.0.1:4222')
    .requiredOption('--stream <name>', 'the JetStream stream holding the subject')
    .requiredOption('--subject <subject>', 'subject (or wildcard) whose messages are write batches')
    .option('--durable <name>', 'durable consumer name (processes sharing it share the messages)', 'resonate-ingest')
    .option('--batch <n>', 'messages fetched per round', '500')
    .option('--ack-wait <seconds>', 'seconds before an unacknowledged message is delivered again', '30')
    .action(async (opts: { nats: string; stream: string; subject: string; durable: string; batch: string; ackWait: string }, cmd: Command) => {
      const batch = positive(opts.batch, '--batch', 10_000);
      const ackWaitSeconds = positive(opts.ackWait, '--ack-wait', 86_400);
      const engine = await engineFrom(cmd);
      let ingester: NatsIngester;
      try {
        ingester = await NatsIngester.open({ url: opts.nats, stream: opts.stream, subject: opts.subject, durable: opts.durable, batch, ackWaitSeconds, maxRows: engine.config.server.maxBatch, ingest: (kind, rows) => engine.ingest(kind, rows), logger: engine.logger });
      } catch (e) {
        await engine.close();
        throw e;
      }
      console.error(`Ingesting ${opts.subject} from stream ${opts.stream} at ${opts.nats} (consumer ${opts.durable})`);
      const stop = async (): Promise<void> => {
        await ingester.close();
        await engine.close();
        printJson(ingester.stats);
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      await ingester.run();
    });
}
