/**
 * @module Who counts as a new author for the diversity boost slot: an author with at most `maxPosts` posts in
 * the snapshot the feed ranks from (an author the snapshot does not know yet has none). Counts are computed once
 * per snapshot.
 */
import type { Dataset } from '../data/dataset.js';

const postCounts = new WeakMap<Dataset, Int32Array>();

/** Posts per author (by user index) in `dataset`. */
export function authorPostCounts(dataset: Dataset): Int32Array {
  let counts = postCounts.get(dataset);
  if (!counts) {
    counts = new Int32Array(dataset.users.size);
    for (const a of dataset.itemAuthors) if (a >= 0) counts[a] = counts[a]! + 1;
    postCounts.set(dataset, counts);
  }
  return counts;
}

/** A predicate on author ids: true when the author has at most `maxPosts` posts in `dataset`. */
export function newAuthorTest(dataset: Dataset, maxPosts: number): (author: string) => boolean {
  const counts = authorPostCounts(dataset);
  return (author) => {
    const index = dataset.users.index(author);
    return index < 0 || counts[index]! <= maxPosts;
  };
}
