/**
 * @module Word segmentation of a run of letters ("badcustomerservice" → bad customer service) by the most probable
 * split under a unigram model of a corpus (Viterbi over the known words; Norvig 2009). Used for hashtags written
 * without case boundaries, where `splitHashtag` finds nothing to split.
 */

/** Longest word tried. */
const MAX_WORD = 24;
/** Shortest word tried besides "a" and "i" (two-letter pieces over-split: "affair" → a ff air). */
const MIN_WORD = 3;

/**
 * The split of `text` into known words maximising Σ log p(w), p(w) = count(w) / total, or `[text]` when no
 * split into known words (at least 3 letters each, except "a" and "i") exists or the text is itself a known word.
 */
export function segmentWords(text: string, count: (word: string) => number, total: number): string[] {
  if (count(text) > 0 || total <= 0 || text.length < 2 * MIN_WORD) return [text];
  const n = text.length;
  const best = new Float64Array(n + 1).fill(-Infinity);
  const from = new Int32Array(n + 1).fill(-1);
  best[0] = 0;
  for (let end = 1; end <= n; end++) {
    for (let start = Math.max(0, end - MAX_WORD); start < end; start++) {
      if (best[start] === -Infinity) continue;
      const w = text.slice(start, end);
      if (w.length < MIN_WORD && w !== 'a' && w !== 'i') continue;
      const c = count(w);
      if (c <= 0) continue;
      const score = best[start]! + Math.log(c / total);
      if (score > best[end]!) {
        best[end] = score;
        from[end] = start;
      }
    }
  }
  if (from[n] === -1) return [text];
  const out: string[] = [];
  for (let end = n; end > 0; end = from[end]!) out.push(text.slice(from[end]!, end));
  return out.reverse();
}
