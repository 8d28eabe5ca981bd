/**
 * @module The hashtag suggester of a serving snapshot: fitted from its posts (texts, tags, authors) on the first
 * request and kept while the snapshot serves; posts written since the snapshot count from the next version.
 */
import type { Dataset } from '../data/dataset.js';
import { HashtagSuggester, type ComposeDoc } from './hashtag-suggester.js';

const fitted = new WeakMap<Dataset, HashtagSuggester>();

function* postsOf(dataset: Dataset): Generator<ComposeDoc> {
  for (let i = 0; i < dataset.items.size; i++) {
    const author = dataset.itemAuthors[i]!;
    yield { text: dataset.itemTexts[i] ?? '', tags: dataset.itemTags[i] ?? [], ...(author >= 0 ? { author: dataset.users.id(author) } : {}) };
  }
}

export function suggesterFor(dataset: Dataset): HashtagSuggester {
  let s = fitted.get(dataset);
  if (!s) fitted.set(dataset, (s = HashtagSuggester.fit(postsOf(dataset))));
  return s;
}
