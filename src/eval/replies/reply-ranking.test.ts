import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bm25Scorer, customerCarePairs, oneOfN, replyPairsFromSpec, tfidfScorer } from './reply-ranking.js';

describe('reply ranking evaluation', () => {
  it('1-of-N: a scorer that always puts the truth first scores 1, a constant scorer 0 (ties lose)', () => {
    const pool = Array.from({ length: 200 }, (_, i) => `reply ${i}`), truth = [3, 50, 150], posts = ['a', 'b', 'c'];
    const perfect = (post: string): Float32Array => { const s = new Float32Array(200); s[truth[posts.indexOf(post)]!] = 1; return s; };
    expect(oneOfN(perfect, posts, truth, pool, 99, 1)).toBe(1);
    expect(oneOfN(() => new Float32Array(200), posts, truth, pool, 99, 1)).toBe(0);
  });

  it('BM25 and TF-IDF put the reply sharing the post\'s rare word first', () => {
    const pool = ['the order shipped', 'the refund is on its way', 'the the the', 'password reset link sent'];
    for (const s of [bm25Scorer(pool), tfidfScorer(pool, pool)]) {
      const scores = s('where is my refund');
      expect(Array.from(scores).indexOf(Math.max(...scores))).toBe(1);
    }
  });

  it('reads customer-care conversations as client turn → next agent turn, the final linked answer included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'care-'));
    try {
      const file = join(dir, 'dev.json');
      writeFileSync(file, JSON.stringify([
        { dialogContent: [{ client: 'c', message: 'my app crashes' }, { agent: 'A', message: 'which version?' }, { client: 'c', message: 'v2' }], agentURL: { url_utterance: 'update here: link' } },
        { dialogContent: [{ agent: 'A', message: 'hello' }, { agent: 'A', message: 'still there?' }] },
      ]));
      expect(customerCarePairs(file)).toEqual([
        { post: 'my app crashes', reply: 'which version?', replyAuthor: 'A' },
        { post: 'v2', reply: 'update here: link', replyAuthor: 'agent' },
      ]);
      expect(() => customerCarePairs(join(dir, 'missing.json'))).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names unknown data specs', () => {
    expect(() => replyPairsFromSpec('reddit:x')).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
    expect(() => replyPairsFromSpec('synthetic:1')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
