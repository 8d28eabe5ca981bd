/**
 * @module Social-aware tokenizer: URLs, @mentions, #hashtags, emoji, emoticons, numbers, words and punctuation
 * from one regular-expression scan, with elongation normalising, case folding and negation scope marking. Chinese
 * and Japanese runs are split into words by `Intl.Segmenter` (segment.ts).
 *
 * One alternation regex (`g` flag, Unicode sets) is tried left to right at each position; the first matching
 * branch decides the kind. Every non-space character is matched by the last branch, so nothing is lost.
 * Measured against wink-nlp's tokenizer in `bench/text.ts` (the hand-written scanner is several times faster).
 */

import { CJK_RUN, segmentCjk } from './segment.js';

export type TokenKind = 'word' | 'hashtag' | 'mention' | 'url' | 'emoji' | 'emoticon' | 'number' | 'punct';

export interface Token {
  /** Normalised text (lower-cased, elongation shortened, `NEG_` prefix when in a negation scope). */
  readonly text: string;
  readonly kind: TokenKind;
  /** UTF-16 offsets of the raw token in the input: `input.slice(start, end)`. */
  readonly start: number;
  readonly end: number;
  /** The raw token was written in capitals (at least two letters, none lower-case): "GREAT". */
  readonly allCaps: boolean;
  /** A letter was repeated three or more times in the raw token ("soooo"). */
  readonly elongated: boolean;
  /** The token lies in the scope of a negator (only when `negation` is on). */
  readonly negated: boolean;
}

export interface TokenizeOptions {
  /** Fold case (default true). The `allCaps` flag keeps the information. */
  lowercase?: boolean;
  /** Letters repeated 3+ times become 2 ("soooo" → "soo"), the usual rule for tweets (default true). */
  normalizeElongation?: boolean;
  /**
   * Hashtags: 'keep' one token "#machinelearning" (default); 'split' the camel-case / digit parts as words
   * (#MachineLearning → machine, learning); 'both' the hashtag token followed by its parts.
   */
  hashtags?: 'keep' | 'split' | 'both';
  /** URLs: 'keep' the text (default), 'placeholder' as "<url>", 'drop'. */
  urls?: 'keep' | 'placeholder' | 'drop';
  /** Mentions: 'keep' (default), 'placeholder' as "@user", 'drop'. */
  mentions?: 'keep' | 'placeholder' | 'drop';
  /** Punctuation tokens (default true). */
  punctuation?: boolean;
  /**
   * Negation scope (Das & Chen 2001; Pang, Lee & Vaithyanathan 2002): words after a negator ("not", "never",
   * "can't" …) up to the next clause punctuation get the `NEG_` prefix. Default false.
   */
  negation?: boolean;
}

const DEFAULTS: Required<TokenizeOptions> = {
  lowercase: true,
  normalizeElongation: true,
  hashtags: 'keep',
  urls: 'keep',
  mentions: 'keep',
  punctuation: true,
  negation: false,
};

// Branches, in priority order. Each is one capture group so the kind is the index of the group that matched.
const URL = String.raw`(?:https?:\/\/|www\.)[^\s<>"]+?(?=[.,;:!?\)\]\}'"…]*(?:\s|$))`;
// Emoticons (western, with optional nose; hearts; a few eastern). Letter-ended mouths must not run into a word;
// none may follow a digit ("3:30" is a time, not ":3").
const EMOTICON = [
  String.raw`(?<![\p{N}])[<>]?[:;=][\-o*']?(?:[\)\]\(\[\/\\\|@3*\}\{]+|[dDpPoO0]+(?![\p{L}\p{N}]))`,
  String.raw`[\)\]\(\[\/\\\|*\}\{]+[\-o*']?[:;=](?![\p{L}\p{N}])`,
  String.raw`<\/?3+`,
  String.raw`(?<![\p{L}\p{N}])[xX][dD]+(?![\p{L}\p{N}])`,
  String.raw`\^[_.\-]?\^|-_-|o\.O|O\.o|T_T|;_;`,
].join('|');
const MENTION = String.raw`@[A-Za-z0-9_]+`;
const HASHTAG = String.raw`[#＃][\p{L}\p{M}\p{N}_]*[\p{L}\p{M}][\p{L}\p{M}\p{N}_]*`;
// Emoji: a pictograph with variation selector / skin tone, joined by ZWJ; flags (regional indicator pairs);
// keycaps (digit + U+20E3).
const EMOJI = String.raw`\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]*(?:\u200D\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]*)*|\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3`;
// Numbers: 12, -3.5, 1,000, 10:30, 50%, 3:30pm, 1st, 80s. The lookahead + back-reference makes the body atomic
// (no backtracking into "3:3" when a letter follows); letter-led mixes such as "2nite" fall through to words.
const NUMBER = String.raw`(?=(?<nb>[+\-]?\d+(?:[.,:]\d+)*(?:%|am|pm|st|nd|rd|th|s|k)?))\k<nb>(?![\p{L}\p{N}_])`;
// Scripts written without spaces (Chinese, Japanese): a run is split into its words by Intl.Segmenter (segment.ts).
const CJK = CJK_RUN;
const WORD = String.raw`[[\p{L}\p{M}\p{N}_]--[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]]+(?:['’][\p{L}\p{M}]+)*|['’](?:s|re|ve|ll|d|m|t)(?![\p{L}])`;
const PUNCT = String.raw`[!?.]+|[^\s]`;

const BRANCHES: ReadonlyArray<[string, TokenKind, string]> = [
  ['url', 'url', URL], ['emo', 'emoticon', EMOTICON], ['men', 'mention', MENTION], ['hash', 'hashtag', HASHTAG],
  ['emoji', 'emoji', EMOJI], ['num', 'number', NUMBER], ['cjk', 'word', CJK], ['word', 'word', WORD], ['punct', 'punct', PUNCT],
];
const SCANNER = new RegExp(BRANCHES.map(([name, , re]) => `(?<${name}>${re})`).join('|'), 'gv');
const GROUPS = BRANCHES.map(([name, kind]) => [name, kind] as const);
const CJK_GROUP = 'cjk';

const ELONGATION = /(\p{L})\1{2,}/gu;
const HAS_ELONGATION = /(\p{L})\1{2,}/u;
const CLAUSE_END = /^[.,:;!?]+$/;
// Negators of Pang et al. 2002 / Christopher Potts' sentiment tutorial, plus apostrophe-less tweet spellings.
const NEGATORS = new Set([
  'not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'nowhere', 'cannot', 'without',
  'cant', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt', 'shouldnt',
  'couldnt', 'hasnt', 'havent', 'hadnt', 'aint', 'mustnt', 'neednt',
]);

/** True for a negating word ("not", "never", any "…n't"). Expects lower case. */
export function isNegator(word: string): boolean {
  return NEGATORS.has(word) || word.endsWith("n't") || word.endsWith('n’t');
}

/** Splits a hashtag body at camel-case and letter/digit boundaries: "MachineLearning2024" → machine, learning, 2024. */
export function splitHashtag(body: string): string[] {
  const parts = body.match(/\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|[\p{L}\p{M}]+/gu);
  return parts ?? [body];
}

type Emit = (text: string, kind: TokenKind, start: number, end: number, allCaps: boolean, elongated: boolean) => void;

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

function isAllCaps(raw: string): boolean {
  if (raw.length < 2 || raw.toLowerCase() === raw) return false;
  return raw.toUpperCase() === raw && /\p{L}.*\p{L}/u.test(raw);
}

/** The shared scan: emits normalised tokens (before negation marking). */
function scan(text: string, o: Required<TokenizeOptions>, emit: Emit): void {
  SCANNER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SCANNER.exec(text)) !== null) {
    const groups = m.groups!;
    let kind: TokenKind = 'punct';
    let group = '';
    for (const [name, k] of GROUPS) {
      if (groups[name] !== undefined) {
        kind = k;
        group = name;
        break;
      }
    }
    let raw = m[0];
    const start = m.index;
    if (group === CJK_GROUP) {
      for (const w of segmentCjk(raw)) emit(w.word, 'word', start + w.index, start + w.index + w.word.length, false, false);
      continue;
    }
    // A URL keeps a closing parenthesis that balances one inside it (Wikipedia-style links).
    if (kind === 'url' && text.charCodeAt(start + raw.length) === 41 && count(raw, '(') > count(raw, ')')) {
      raw += ')';
      SCANNER.lastIndex = start + raw.length;
    }
    const end = start + raw.length;
    switch (kind) {
      case 'url':
        if (o.urls === 'keep') emit(raw, kind, start, end, false, false);
        else if (o.urls === 'placeholder') emit('<url>', kind, start, end, false, false);
        break;
      case 'mention':
        if (o.mentions === 'keep') emit(o.lowercase ? raw.toLowerCase() : raw, kind, start, end, false, false);
        else if (o.mentions === 'placeholder') emit('@user', kind, start, end, false, false);
        break;
      case 'hashtag': {
        const elongated = HAS_ELONGATION.test(raw);
        const body0 = raw.slice(1);
        const body = o.normalizeElongation && elongated ? body0.replace(ELONGATION, '$1$1') : body0;
        if (o.hashtags !== 'split') emit('#' + (o.lowercase ? body.toLowerCase() : body), kind, start, end, isAllCaps(body0), elongated);
        if (o.hashtags !== 'keep') {
          for (const part of splitHashtag(body)) {
            const isNum = /^\p{N}+$/u.test(part);
            emit(o.lowercase ? part.toLowerCase() : part, isNum ? 'number' : 'word', start, end, isAllCaps(part), elongated);
          }
        }
        break;
      }
      case 'word': {
        const elongated = HAS_ELONGATION.test(raw);
        let t = o.normalizeElongation && elongated ? raw.replace(ELONGATION, '$1$1') : raw;
        const caps = isAllCaps(raw);
        if (o.lowercase) t = t.toLowerCase();
        emit(t, kind, start, end, caps, elongated);
        break;
      }
      case 'punct':
        if (o.punctuation) emit(raw, kind, start, end, false, false);
        break;
      default:
        emit(raw, kind, start, end, false, false);
    }
  }
}

function resolve(options: TokenizeOptions | undefined): Required<TokenizeOptions> {
  return options ? { ...DEFAULTS, ...options } : DEFAULTS;
}

/**
 * Tokenizes one text.
 * @example tokenize("Sooo happy!!! #MachineLearning @bob :) https://x.co/a.", { hashtags: 'split' })
 */
export function tokenize(text: string, options?: TokenizeOptions): Token[] {
  const o = resolve(options);
  const out: Token[] = [];
  let inScope = false;
  scan(text, o, (t, kind, start, end, allCaps, elongated) => {
    let negated = false;
    if (o.negation) {
      if (kind === 'punct' && CLAUSE_END.test(t)) inScope = false;
      else if (kind === 'word') {
        const lower = o.lowercase ? t : t.toLowerCase();
        if (isNegator(lower)) inScope = true;
        else if (inScope) {
          negated = true;
          t = 'NEG_' + t;
        }
      }
    }
    out.push({ text: t, kind, start, end, allCaps, elongated, negated });
  });
  // Clause punctuation closes the scope even when punctuation tokens are not kept.
  if (o.negation && !o.punctuation) return markWithoutPunct(text, o);
  return out;
}

// With punctuation dropped the scope must still end at clause punctuation: rescan with it kept, then drop it.
function markWithoutPunct(text: string, o: Required<TokenizeOptions>): Token[] {
  return tokenize(text, { ...o, punctuation: true }).filter((t) => t.kind !== 'punct');
}

/** Tokens as strings only: the fast path for vectorizers and word2vec (no token objects). */
export function tokenizeToStrings(text: string, options?: TokenizeOptions): string[] {
  const o = resolve(options);
  if (o.negation && !o.punctuation) return tokenize(text, o).map((t) => t.text);
  const out: string[] = [];
  let inScope = false;
  const negation = o.negation;
  scan(text, o, (t, kind) => {
    if (negation) {
      if (kind === 'punct') {
        if (CLAUSE_END.test(t)) inScope = false;
      } else if (kind === 'word') {
        if (isNegator(o.lowercase ? t : t.toLowerCase())) inScope = true;
        else if (inScope) t = 'NEG_' + t;
      }
    }
    out.push(t);
  });
  return out;
}
