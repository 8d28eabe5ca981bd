/**
 * @module The `store:` log source: the engine's own impression log (`store:sqlite://./resonate.db`, or
 * `store:` for the configured store) with feedback joined by request id. Each served item is a row: its action
 * is what the policy chose in that slot (the exploration arm when a policy explored there, otherwise the
 * candidate source that placed the post), its position 1-based, its propensity the logged one, its reward 1 when
 * an engagement event (like, share or comment) answers that request on that post, else 0; the rows of one
 * response share a slate id. Context: the policy that placed it.
 */
import { loadConfig } from '../../core/config.js';
import type { EventType } from '../../core/config.js';
import { openStore } from '../../storage/open-store.js';
import type { LoggedRow } from './types.js';

/** Event types that count as a reward for the item they answer. */
export const ENGAGEMENT_TYPES: readonly EventType[] = ['like', 'share', 'comment'];

export async function readStoreLog(location: string): Promise<LoggedRow[]> {
  const url = location === '' ? loadConfig().store.url : location;
  const store = await openStore(url);
  try {
    const engaged = new Set<string>();
    for await (const e of store.scanEvents()) {
      if (e.request_id && e.post !== undefined && ENGAGEMENT_TYPES.includes(e.type)) engaged.add(`${e.request_id}\u0000${e.post}`);
    }
    const rows: LoggedRow[] = [];
    for await (const i of store.scanImpressions()) {
      rows.push({
        action: i.arm ?? i.source,
        position: i.position + 1,
        reward: engaged.has(`${i.requestId}\u0000${i.postId}`) ? 1 : 0,
        propensity: i.propensity,
        slateId: i.requestId,
        context: { policy: i.policy },
      });
    }
    return rows;
  } finally {
    await store.close();
  }
}
