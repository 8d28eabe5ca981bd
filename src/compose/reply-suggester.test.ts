import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { ReplyEncoder, type ReplyPair } from './reply-encoder.js';
import { pickDiverse, rankingAccuracy, ReplySuggester, responseSet } from './reply-suggester.js';

/**
 * A planted pairing: 80 "question" words q0..q79 each have one answer word a0..a79 (q_k → a_((7k+3) mod 80)), so
 * a post and its reply share no word; a post names two questions among filler words and its reply the two answers.
 */
function plantedPairs(n: number, seed: number): ReplyPair[] {
  const rng = createRng(seed), fill = ['the', 'and', 'so', 'well', 'ok', 'hey', 'really', 'just'];
  const answer = (k: number): number => (7 * k + 3) % 80;
  const out: ReplyPair[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.int(80);
    let b = rng.int(79);
    if (b >= a) b++;
    const f = (): string => fill[rng.int(fill.length)]!;
    out.push({ post: `${f()} q${a} ${f()} q${b} ${f()}`, reply: `a${answer(a)} ${f()} a${answer(b)}`, replyAuthor: `u${i % 10}` });
  }
  return out;
}

describe('reply encoder', () => {
  it('learns a planted post → reply pairing (1-of-100 accuracy near 1)', async () => {
    const train = plantedPairs(3000, 1), test = plantedPairs(300, 2);
    const enc = await ReplyEncoder.fit(train, { epochs: 10, buckets: 4096, dim: 32, hidden: 64 });
    const dim = enc.dim, P = enc.encode('post', test.map((p) => p.post)), R = enc.encode('reply', test.map((p) => p.reply));
    const score = (i: number, j: number): number => { let s = 0; for (let k = 0; k < dim; k++) s += P[i * dim + k]! * R[j * dim + k]!; return s; };
    expect(rankingAccuracy(score, test.length, 99, 5)).toBeGreaterThan(0.95);
  });
});

describe('diversity', () => {
  it('skips a candidate too close to one already chosen', () => {
    // Unit vectors: 0 and 1 nearly equal (cos 0.995), 2 orthogonal to both, 3 close to 2 (cos 0.9).
    const v = Float32Array.from([1, 0, 0, 0.995, Math.sqrt(1 - 0.995 ** 2), 0, 0, 0, 1, 0, Math.sqrt(1 - 0.81), 0.9]);
    expect(pickDiverse([0, 1, 2, 3], v, 3, 3, 0.85)).toEqual([0, 2]);
    expect(pickDiverse([0, 1, 2, 3], v, 3, 3, 0.95)).toEqual([0, 2, 3]);
    expect(pickDiverse([0, 1, 2, 3], v, 3, 2, 1)).toEqual([0, 1]);
  });
});

describe('response set', () => {
  it('deduplicates, bounds lengths, puts frequent replies first', () => {
    const pairs = ['Thanks!', 'thanks!', 'ok', 'x'.repeat(200), 'Sure  thing', 'thanks! '].map((reply) => ({ post: 'p', reply }));
    expect(responseSet(pairs, { minChars: 2, maxChars: 140, maxResponses: 10 })).toEqual(['Thanks!', 'Sure thing', 'ok']);
  });
});

describe('reply suggester', () => {
  const pairs = plantedPairs(3000, 3);
  let s: ReplySuggester;
  beforeAll(async () => {
    s = await ReplySuggester.fit(pairs, { encoder: { epochs: 10, buckets: 4096, dim: 32, hidden: 64 } });
  });

  it('suggests the planted answer first, confidently, with diverse others', () => {
    // pairs[0]'s post: its reply (or another with the same two answer words) comes first.
    const answer = s.suggest(pairs[0]!.post, { limit: 3 });
    expect(answer.suppressed).toBeUndefined();
    expect(answer.replies.length).toBe(3);
    const words = (t: string): string[] => t.split(' ').filter((w) => w.startsWith('a')).sort();
    expect(words(answer.replies[0]!.text)).toEqual(words(pairs[0]!.reply));
    expect(answer.replies[0]!.confidence).toBeGreaterThan(0.5);
    expect(s.validationAccuracy).toBeGreaterThan(0.8);
  });

  it('suggests nothing for a post none of whose words it learned from', () => {
    expect(s.suggest('zebra lasagna tuesday')).toMatchObject({ replies: [], suppressed: 'low_confidence', reason: expect.stringMatching(/no word of the post/) });
  });

  it('suppresses suggestions below the calibrated confidence', async () => {
    const strict = await ReplySuggester.fit(pairs.slice(0, 400), { encoder: { epochs: 1, buckets: 1024, dim: 8, hidden: 8 }, minConfidence: 0.999 });
    const answer = strict.suggest('nothing like any post here', { limit: 3 });
    expect(answer).toMatchObject({ replies: [], suppressed: 'low_confidence' });
    expect(answer.reason).toMatch(/confident/);
  });

  it('boosts replies close to the user\'s own style', async () => {
    // u0 always replied with a3-heavy text: among the candidates, one near u0's centroid rises.
    const own: ReplyPair[] = Array.from({ length: 60 }, (_, i) => ({ post: `q0 q${1 + (i % 39)}`, reply: `a3 a3 a${(7 * (1 + (i % 39)) + 3) % 80}`, replyAuthor: 'stylist' }));
    const p = await ReplySuggester.fit([...pairs, ...own], { encoder: { epochs: 4, buckets: 4096, dim: 32, hidden: 64 }, personalWeight: 0.5 });
    const plain = p.suggest('q0 q9', { limit: 3 }), styled = p.suggest('q0 q9', { limit: 3, user: 'stylist' });
    const a3Share = (r: typeof plain): number => r.replies.filter((x) => /a3\b/.test(x.text)).length;
    expect(a3Share(styled)).toBeGreaterThanOrEqual(a3Share(plain));
    expect(styled.replies[0]!.text).toMatch(/a3\b/);
  });

  it('refuses too few pairs with a named error', async () => {
    await expect(ReplySuggester.fit(pairs.slice(0, 10))).rejects.toMatchObject({ code: 'TOO_FEW_REPLY_PAIRS' });
  });
});
