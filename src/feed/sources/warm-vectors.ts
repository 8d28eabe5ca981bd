/**
 * @module Background fill of the snapshot posts' TF-IDF vectors for the fresh source. A user's interest profile
 * needs the vectors of the posts in their history; made on demand, the first ranking of each user tokenizes up
 * to 200 posts, which made that ranking several times the cost of the next ones (most of the cold path when
 * each user is ranked once or twice). The vectors depend only on the snapshot, so they are made once, newest
 * posts first, in chunks between event-loop turns after the first ranking, into the profiles' own cache: the
 * same vectors, made earlier.
 */
import type { Dataset } from '../../data/dataset.js';
import type { InterestProfiles } from '../interest-profiles.js';

/**
 * Most snapshot posts filled (the newest): well under the profiles' vector cache (50,000 by default), so the
 * fill does not evict what it made or the vectors of posts written since the snapshot.
 */
export const WARM_POSTS = 20_000;
/** Posts vectorized per event-loop turn (a few milliseconds of work). */
const CHUNK = 100;

const started = new WeakSet<InterestProfiles>();

/** Fills the vectors of the newest `limit` snapshot posts, once per profiles object; resolves to the posts filled. */
export async function warmSnapshotVectors(profiles: InterestProfiles, dataset: Dataset, limit = WARM_POSTS, signal?: AbortSignal): Promise<number> {
  if (started.has(profiles)) return 0;
  started.add(profiles);
  const items = Array.from({ length: dataset.items.size }, (_, i) => i)
    .filter((i) => dataset.itemAuthors[i]! >= 0)
    .sort((a, b) => (dataset.itemCreatedAt[b]! || 0) - (dataset.itemCreatedAt[a]! || 0) || a - b)
    .slice(0, limit);
  for (let k = 0; k < items.length; k += CHUNK) {
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) return k;
    profiles.snapshotVectors(items.slice(k, k + CHUNK));
  }
  return items.length;
}
