/**
 * @module Generates a synthetic network straight into a Store, all batches in one transaction.
 */
import type { Progress } from '../../core/progress.js';
import type { TransactionalWriter, WriteSummary } from '../rows.js';
import { generateNetwork, type SyntheticNetwork } from './generate-network.js';
import type { SyntheticConfig } from './synthetic-config.js';

export interface GenerateToStoreResult {
  network: SyntheticNetwork;
  /** Sum of the summaries of every batch written. */
  summary: WriteSummary;
}

/**
 * Writes every batch of `generateNetwork(config)` inside one `store.transaction`: all of it is kept, or
 * nothing if a write fails. `progress` gets rows written of an estimated total (the total grows if needed).
 * @example const { network } = await generateToStore(store, DEMO_NETWORK, bar.report);
 */
export async function generateToStore(
  store: TransactionalWriter,
  config: SyntheticConfig = {},
  progress?: Progress,
): Promise<GenerateToStoreResult> {
  const network = generateNetwork(config);
  const summary: WriteSummary = { users: 0, posts: 0, follows: 0, unfollows: 0, events: 0, duplicateEvents: 0 };
  let done = 0, total = network.expectedRows;
  await store.transaction(async (tx) => {
    for (const batch of network.batches()) {
      const s = await tx.write(batch);
      for (const k of Object.keys(summary) as (keyof WriteSummary)[]) summary[k] = (summary[k] ?? 0) + (s[k] ?? 0);
      done += (batch.users?.length ?? 0) + (batch.posts?.length ?? 0) + (batch.follows?.length ?? 0) + (batch.events?.length ?? 0);
      if (done > total) total = done;
      progress?.(done, total, batch.events ? 'events' : batch.follows ? 'follows' : batch.posts ? 'posts' : 'users');
    }
  });
  progress?.(done, done, 'done');
  return { network, summary };
}
