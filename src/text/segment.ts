/**
 * @module Word segmentation of scripts written without spaces (Chinese, Japanese) by `Intl.Segmenter`, which
 * Node ships with ICU's dictionary for them: "我喜欢机器学习" → 我, 喜欢, 机器, 学习. Everything that finds words
 * in text (the tokenizer, the content model, the two-tower text features, search terms, the search index) goes
 * through here, so a Chinese word is the same term wherever it is met.
 */

/** A run of Han, Hiragana or Katakana characters (with the prolonged-sound mark), the scripts segmented here. */
export const CJK_RUN = String.raw`[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30FC]+`;
const HAS_CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u;
const CJK_SPLIT = new RegExp(`(${CJK_RUN})`, 'u');
const WORD_RUN = /[\p{L}\p{N}]+/gu;

// ICU segments Chinese and Japanese with one dictionary whatever the locale; one segmenter serves both.
const SEGMENTER = new Intl.Segmenter('zh', { granularity: 'word' });

/** True when the text holds a Han, Hiragana or Katakana character. */
export function hasCjk(text: string): boolean {
  return HAS_CJK.test(text);
}

/** A word of a segmented run and its UTF-16 offset in that run. */
export interface Segment {
  readonly word: string;
  readonly index: number;
}

/** The words of a CJK run (punctuation and spaces dropped): "机器学习" → 机器 (0), 学习 (2). */
export function segmentCjk(run: string): Segment[] {
  const out: Segment[] = [];
  for (const s of SEGMENTER.segment(run)) if (s.isWordLike) out.push({ word: s.segment, index: s.index });
  return out;
}

/** A run of letters split at CJK: its CJK parts as their words, the other parts whole ("AI与机器" → AI, 与, 机器). */
export function splitRun(run: string): string[] {
  if (!hasCjk(run)) return [run];
  const out: string[] = [];
  for (const part of run.split(CJK_SPLIT)) {
    if (part === '') continue;
    if (hasCjk(part)) for (const s of segmentCjk(part)) out.push(s.word);
    else out.push(part);
  }
  return out;
}

/**
 * Runs of letters and digits, lower-cased, with CJK runs split into their words: "AI与机器学习 rocks" → ai, 与,
 * 机器, 学习, rocks.
 */
export function wordRuns(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD_RUN)) out.push(...splitRun(m[0]));
  return out;
}

/**
 * The text with every CJK run's words separated by spaces (other text unchanged), for full-text indexes whose
 * tokenizers split at spaces only; the text itself when it holds no CJK.
 */
export function segmentedText(text: string): string {
  if (!hasCjk(text)) return text;
  return text.replace(new RegExp(CJK_RUN, 'gu'), (run) => ` ${segmentCjk(run).map((s) => s.word).join(' ')} `);
}
