import { describe, expect, it } from 'vitest';
import { splitHashtag, tokenize, tokenizeToStrings, type TokenizeOptions } from './tokenize.js';
import { charNgrams, wordNgrams } from './ngrams.js';

const kinds = (text: string, o?: TokenizeOptions): string[] => tokenize(text, o).map((t) => `${t.text}/${t.kind}`);

describe('tokenize', () => {
  it('keeps URLs whole and leaves trailing punctuation out', () => {
    expect(kinds('see https://x.co/a?b=1&c=(2). now')).toEqual(['see/word', 'https://x.co/a?b=1&c=(2)/url', './punct', 'now/word']);
    expect(kinds('(www.example.com/path),')).toEqual(['(/punct', 'www.example.com/path/url', ')/punct', ',/punct']);
    expect(kinds('go http://t.co/xyz!!!')).toEqual(['go/word', 'http://t.co/xyz/url', '!!!/punct']);
  });

  it('splits mentions from clitics and keeps contractions', () => {
    expect(kinds("@user's car can't")).toEqual(['@user/mention', "'s/word", 'car/word', "can't/word"]);
    expect(kinds('@Bob_99: hi')).toEqual(['@bob_99/mention', ':/punct', 'hi/word']);
  });

  it('reads hashtags with digits and splits camel case on request', () => {
    expect(kinds('#2024Goals #NHL #1')).toEqual(['#2024goals/hashtag', '#nhl/hashtag', '#/punct', '1/number']);
    expect(kinds('#MachineLearning', { hashtags: 'split' })).toEqual(['machine/word', 'learning/word']);
    expect(kinds('#MachineLearning', { hashtags: 'both' })).toEqual(['#machinelearning/hashtag', 'machine/word', 'learning/word']);
    expect(splitHashtag('NLPIsFun2024')).toEqual(['NLP', 'Is', 'Fun', '2024']);
  });

  it('keeps emoji sequences (ZWJ, skin tones, flags, keycaps) together', () => {
    expect(kinds('👨‍👩‍👧👍🏽😂😂 🇫🇷 ❤️ 1️⃣')).toEqual(['👨‍👩‍👧/emoji', '👍🏽/emoji', '😂/emoji', '😂/emoji', '🇫🇷/emoji', '❤️/emoji', '1️⃣/emoji']);
  });

  it('recognises emoticons but not times or words', () => {
    expect(kinds(':) :-( <3 </3 :D ;P XD ^_^ (:')).toEqual([':)/emoticon', ':-(/emoticon', '<3/emoticon', '</3/emoticon', ':D/emoticon', ';P/emoticon', 'XD/emoticon', '^_^/emoticon', '(:/emoticon']);
    expect(kinds('at 3:30pm :Pizza')).toEqual(['at/word', '3:30pm/number', ':/punct', 'pizza/word']);
  });

  it('normalises elongation, folds case and flags capitals', () => {
    const t = tokenize('Soooo GOOOOD');
    expect(t.map((x) => x.text)).toEqual(['soo', 'good']);
    expect(t.map((x) => x.elongated)).toEqual([true, true]);
    expect(t.map((x) => x.allCaps)).toEqual([false, true]);
    expect(tokenize('Sooo', { lowercase: false, normalizeElongation: false })[0]!.text).toBe('Sooo');
  });

  it('handles numbers and mixed scripts', () => {
    expect(kinds('1,000 50% -3.5 2nite 東京 Привет café')).toEqual([
      '1,000/number', '50%/number', '-3.5/number', '2nite/word', '東京/word', 'привет/word', 'café/word',
    ]);
  });

  it('segments Chinese and Japanese runs into words, with their offsets', () => {
    const text = '我喜欢机器学习！駅の近くで';
    const tokens = tokenize(text, { punctuation: false });
    expect(tokens.map((t) => t.text)).toEqual(['我', '喜欢', '机器', '学习', '駅', 'の', '近く', 'で']);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
    expect(tokenizeToStrings('#机器学习 很好')).toEqual(['#机器学习', '很好']);
  });

  it('marks negation scope up to clause punctuation', () => {
    expect(tokenizeToStrings("I don't like it, but ok. Never again", { negation: true })).toEqual([
      'i', "don't", 'NEG_like', 'NEG_it', ',', 'but', 'ok', '.', 'never', 'NEG_again',
    ]);
    expect(tokenizeToStrings('not good, fine', { negation: true, punctuation: false })).toEqual(['not', 'NEG_good', 'fine']);
  });

  it('maps offsets back to the raw input', () => {
    const text = 'Héllo @Ann 😂 http://a.b/c.';
    for (const t of tokenize(text)) expect(text.slice(t.start, t.end).toLowerCase()).toContain(t.kind === 'punct' ? t.text : t.text.slice(0, 1).toLowerCase());
  });

  it('tokenizeToStrings equals tokenize().text on random tweets', () => {
    const pieces = ['Sooo', 'good', ':)', '#HashTag9', '@who', 'http://x.y/z.', "can't", 'not', ',', '!!!', '😂', '👍🏽', '3:30', 'ÉTÉ', '東', 'x', '.', '<3'];
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 200; i++) {
      const words = Array.from({ length: 1 + rnd(12) }, () => pieces[rnd(pieces.length)]!);
      const text = words.join(rnd(3) === 0 ? '' : ' ');
      for (const o of [{}, { negation: true }, { hashtags: 'both' as const, urls: 'placeholder' as const }]) {
        expect(tokenizeToStrings(text, o)).toEqual(tokenize(text, o).map((t) => t.text));
      }
    }
  });
});

describe('n-grams', () => {
  it('word n-grams', () => {
    expect(wordNgrams(['a', 'b', 'c'], 1, 2)).toEqual(['a', 'b', 'c', 'a b', 'b c']);
    expect(wordNgrams(['a'], 2, 3)).toEqual([]);
  });
  it('char n-grams with word-boundary padding as scikit-learn char_wb', () => {
    // sklearn: CountVectorizer(analyzer='char_wb', ngram_range=(2,3)).build_analyzer()('hi a')
    expect(charNgrams(['hi', 'a'], 2, 3)).toEqual([' h', 'hi', 'i ', ' hi', 'hi ', ' a', 'a ', ' a ']);
    expect(charNgrams(['😂'], 2, 2)).toEqual([' 😂', '😂 ']);
  });
});
