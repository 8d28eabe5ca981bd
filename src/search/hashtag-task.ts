/**
 * @module The hashtag relevance task: search evaluation on real posts without manual labels. Every hashtag is
 * removed from every post; each hashtag carried by at least `minRelevant` posts becomes a query (its words:
 * `#HappyBirthdayRemusLupin` → "happy birthday remus lupin"), and the posts that carried it are its relevant
 * documents. Queries are split by a hash of the tag into a validation part (choices: document vectors, fusion,
 * calibration) and a test part (reported).
 */
import { hashtagBodies, withoutHashtags } from '../data/post-entities.js';
import { murmur3 } from '../text/murmur3.js';
import { segmentWords } from '../text/hashtag-words.js';
import { splitHashtag } from '../text/tokenize.js';

export interface HashtagQuery {
  /** The hashtag, lower-cased, without `#`. */
  tag: string;
  /** The query text: the hashtag's words. */
  text: string;
  /** Indices of the posts that carried it. */
  relevant: Set<number>;
  part: 'validation' | 'test';
}

export interface HashtagTask {
  /** The posts with their hashtags removed. */
  docs: string[];
  queries: HashtagQuery[];
}

export interface HashtagTaskOptions {
  /** Fewest posts carrying a hashtag for it to become a query (default 3). */
  minRelevant?: number;
  /** Share of the queries in the validation part (default 0.3). */
  validationShare?: number;
  seed?: number;
}

export function hashtagTask(texts: readonly string[], options: HashtagTaskOptions = {}): HashtagTask {
  const minRelevant = options.minRelevant ?? 3, share = options.validationShare ?? 0.3, seed = options.seed ?? 1;
  const carriers = new Map<string, { written: string; docs: Set<number> }>();
  texts.forEach((t, i) => {
    for (const body of hashtagBodies(t)) {
      const tag = body.toLowerCase();
      const entry = carriers.get(tag) ?? { written: body, docs: new Set<number>() };
      // The spelling with the most case boundaries says most about the words (#CustomerService over #customerservice).
      if (splitHashtag(body).length > splitHashtag(entry.written).length) entry.written = body;
      entry.docs.add(i);
      carriers.set(tag, entry);
    }
  });
  const stripped = texts.map((t) => withoutHashtags(t).trim());
  const words = wordCounts(stripped);
  const queries: HashtagQuery[] = [];
  for (const [tag, { written, docs }] of carriers) {
    if (docs.size < minRelevant || !/\p{L}/u.test(tag)) continue;
    const text = hashtagWords(written, words).join(' ');
    const part = (murmur3(tag, seed) >>> 0) / 2 ** 32 < share ? 'validation' : 'test';
    queries.push({ tag, text, relevant: docs, part });
  }
  queries.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return { docs: stripped, queries };
}

export interface WordCounts {
  count(word: string): number;
  total: number;
}

/** Lower-cased word counts of texts (the unigram model `hashtagWords` segments with). */
export function wordCounts(texts: readonly string[]): WordCounts {
  const counts = new Map<string, number>();
  let total = 0;
  for (const t of texts) for (const w of t.toLowerCase().match(/\p{L}+/gu) ?? []) {
    counts.set(w, (counts.get(w) ?? 0) + 1);
    total++;
  }
  return { count: (w) => counts.get(w) ?? 0, total };
}

/**
 * The words of a hashtag body, lower-cased: split at case and digit boundaries, and a part that is not a word of
 * the corpus segmented into corpus words (`#badcustomerservice` → bad customer service).
 */
export function hashtagWords(body: string, words: WordCounts): string[] {
  return splitHashtag(body).flatMap((part) => (/^\p{L}+$/u.test(part) ? segmentWords(part.toLowerCase(), words.count, words.total) : [part.toLowerCase()]));
}
