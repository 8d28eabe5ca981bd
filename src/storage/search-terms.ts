/**
 * @module The terms of a search query, shared by every backend so user input is never read as FTS syntax: runs of
 * letters, digits and `_`, lower-cased, Chinese and Japanese runs split into their words, each once, in order of
 * first appearance. The stores index `indexedText(text)`, segmented the same way, so a Chinese word is found.
 */
import { segmentedText, splitRun } from '../text/segment.js';

/** `'Bread AND (rye'` → `['bread', 'and', 'rye']`; `'机器学习'` → `['机器', '学习']`; `'  ?! '` → `[]`. */
export function searchTerms(query: string): string[] {
  const terms = (query.match(/[\p{L}\p{N}_]+/gu) ?? []).flatMap((run) => splitRun(run.toLowerCase()));
  return [...new Set(terms)];
}

/**
 * What a store's full-text index holds for a post's text: the text with Chinese and Japanese words separated by
 * spaces, or null when that is the text itself (no CJK: the index reads the text column).
 */
export function indexedText(text: string): string | null {
  const segmented = segmentedText(text);
  return segmented === text ? null : segmented;
}
