/**
 * @module Word n-grams and character n-grams (with word-boundary padding, as scikit-learn's `char_wb`).
 */

/** Word n-grams of sizes min..max joined by a space: (["a","b","c"], 1, 2) → a, b, c, a b, b c. */
export function wordNgrams(tokens: readonly string[], min = 1, max = 1, out: string[] = []): string[] {
  const n = tokens.length;
  for (let size = min; size <= max; size++) {
    if (size === 1) {
      for (let i = 0; i < n; i++) out.push(tokens[i]!);
      continue;
    }
    for (let i = 0; i + size <= n; i++) {
      let s = tokens[i]!;
      for (let j = 1; j < size; j++) s += ' ' + tokens[i + j]!;
      out.push(s);
    }
  }
  return out;
}

// Without surrogate pairs, UTF-16 units are code points and plain slicing is exact (and much faster).
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Character n-grams of each word padded with one space on both sides, sizes min..max (scikit-learn's
 * `_char_wb_ngrams`): a word shorter than n yields its padded form once. Works on code points, so an emoji is
 * one character.
 * @example charNgrams(['hi'], 2, 3) → [' h', 'hi', 'i ', ' hi', 'hi ']
 */
export function charNgrams(words: readonly string[], min = 2, max = 5, out: string[] = []): string[] {
  for (const word of words) {
    const padded = ' ' + word + ' ';
    if (!SURROGATE.test(padded)) {
      const len = padded.length;
      for (let n = min; n <= max; n++) {
        let offset = 0;
        out.push(padded.slice(0, n));
        while (offset + n < len) {
          offset++;
          out.push(padded.slice(offset, offset + n));
        }
        if (offset === 0) break;
      }
    } else {
      const cps = Array.from(padded);
      const len = cps.length;
      for (let n = min; n <= max; n++) {
        let offset = 0;
        out.push(cps.slice(0, n).join(''));
        while (offset + n < len) {
          offset++;
          out.push(cps.slice(offset, offset + n).join(''));
        }
        if (offset === 0) break;
      }
    }
  }
  return out;
}
