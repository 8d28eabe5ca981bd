/**
 * @module The (post, reply) pairs of a serving snapshot, for the smart-reply suggester: the store's posts with
 * `reply_to` whose reply and parent are both in the snapshot (so erased and taken-down posts stay out), texts and the
 * replier from the snapshot, oldest first, the most recent `max` kept.
 */
import type { ReplyPair } from '../compose/index.js';
import type { Dataset } from '../data/dataset.js';
import type { Store } from '../storage/store.js';

export async function replyPairsOf(store: Store, data: Dataset, max = 200_000): Promise<ReplyPair[]> {
  const found: { reply: number; parent: number; at: number }[] = [];
  for await (const p of store.scanPosts()) {
    if (!p.reply_to) continue;
    const reply = data.items.index(p.id), parent = data.items.index(p.reply_to);
    if (reply >= 0 && parent >= 0) found.push({ reply, parent, at: p.created_at });
  }
  found.sort((a, b) => a.at - b.at || a.reply - b.reply);
  return found.slice(-max).map(({ reply, parent }) => {
    const author = data.itemAuthors[reply]!;
    return { post: data.itemTexts[parent] ?? '', reply: data.itemTexts[reply] ?? '', ...(author >= 0 ? { replyAuthor: data.users.id(author) } : {}) };
  });
}
