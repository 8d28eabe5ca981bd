/**
 * @module Identifying the language of a text that came without one: ELD, the Efficient Language Detector
 * (character n-gram scores over 60 languages, its medium database), chosen over franc-min and tinyld in
 * `bench/langid.ts` (docs/benchmarks.md, "Language identification").
 */

/** ISO 639-1 code of a text's language, or null when none is found. */
export type LanguageDetector = (text: string) => string | null;

/** Shortest text worth identifying (characters, spaces trimmed): a shorter post keeps no language. */
export const MIN_IDENTIFY_CHARS = 3;

let loading: Promise<LanguageDetector> | undefined;

/**
 * The detector, loading ELD's 2 MB n-gram table once per process on first use (not when this module is
 * imported): about a second, then some 10,000 posts/s.
 */
export function loadLanguageDetector(): Promise<LanguageDetector> {
  loading ??= import('eld/medium').then(({ eld }) => (text: string): string | null => {
    if (text.trim().length < MIN_IDENTIFY_CHARS) return null;
    const found = eld.detect(text).language;
    return found === '' ? null : found;
  });
  return loading;
}
