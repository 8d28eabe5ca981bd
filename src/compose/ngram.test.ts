import { describe, expect, it } from 'vitest';
import { KneserNeyBigram, UnigramModel } from './ngram.js';

// Ids: 0 <pad>, 1 <bos>, 2 <eos>, 3 <unk>, 4 "a", 5 "b". Texts "a b" and "a".
const seqs = [[4, 5], [4]];

describe('n-gram baselines', () => {
  it('unigram: add-one over the predicted tokens (a a b <eos> <eos>)', () => {
    const u = new UnigramModel(seqs, 6);
    expect(u.prob(4)).toBeCloseTo(3 / 11, 12);
    expect(u.prob(3)).toBeCloseTo(1 / 11, 12);
    const s = u.score([[5]]);
    expect(s.tokens).toBe(2);
    expect(s.nll).toBeCloseTo(-Math.log(2 / 11) - Math.log(3 / 11), 12);
  });

  it('Kneser–Ney bigram by hand, and each context’s distribution sums to 1', () => {
    const kn = new KneserNeyBigram(seqs, 6, 0.75);
    // Bigrams: (bos,a)×2, (a,b), (b,eos), (a,eos). Continuations: a 1, b 1, eos 2 of 4 → add-one over 6 ids: /10.
    expect(kn.pCont(2)).toBeCloseTo(3 / 10, 12);
    // P(b | a) = (1 − .75)/2 + .75·2/2·P_cont(b) = .125 + .75·.2 = .275; P(a | bos) = 1.25/2 + .75·1/2·.2 = .7.
    expect(kn.prob(4, 5)).toBeCloseTo(0.275, 12);
    expect(kn.prob(1, 4)).toBeCloseTo(0.7, 12);
    // An unseen context backs off to P_cont.
    expect(kn.prob(3, 4)).toBeCloseTo(0.2, 12);
    for (const v of [1, 4, 5]) expect([0, 1, 2, 3, 4, 5].reduce((s, w) => s + kn.prob(v, w), 0)).toBeCloseTo(1, 12);
    expect(kn.score([[4, 5]]).nll).toBeCloseTo(-Math.log(0.7) - Math.log(0.275) - Math.log(kn.prob(5, 2)), 12);
  });
});
