/**
 * @module The terms of a search query, shared by every backend so user input is never read as FTS syntax: runs of
 * letters, digits and `_`, lower-cased, each once, in order of first appearance.
 */

/** `'Bread AND (rye'` → `['bread', 'and', 'rye']`; `'  ?! '` → `[]`. */
export function searchTerms(query: string): string[] {
  const terms = query.match(/[\p{L}\p{N}_]+/gu) ?? [];
  return [...new Set(terms.map((t) => t.toLowerCase()))];
}
