/**
 * @module Count-based baselines for the compose language model's perplexity, over the same id sequences (the same
 * vocabulary, `<unk>` for other words, `<eos>` predicted at the end of each text): a unigram with add-one
 * smoothing, and an interpolated Kneser–Ney bigram (Chen & Goodman 1999, one discount d):
 *
 *   P(w | v) = max(c(v,w) − d, 0) / c(v) + d · N₁₊(v •) / c(v) · P_cont(w),  P_cont(w) = N₁₊(• w) / N₁₊(• •)
 *
 * with P(w | v) = P_cont(w) for a context never seen. Each text's context starts at `<bos>`. A word with no
 * continuation count gets P_cont from add-one counts, so no probability is 0.
 */
import { BOS, EOS } from './language-model.js';

export interface NgramScore {
  /** Σ −log p (natural log) over the predicted tokens. */
  nll: number;
  tokens: number;
}

/** The predicted tokens of a text: its ids then `<eos>`. */
const targets = (s: readonly number[]): number[] => [...s, EOS];

export class UnigramModel {
  private readonly counts: Float64Array;
  private total = 0;
  /** `predictable`: how many ids can be predicted (the vocabulary size; `<pad>` and `<bos>` get add-one mass too). */
  constructor(seqs: readonly (readonly number[])[], private readonly predictable: number) {
    this.counts = new Float64Array(predictable);
    for (const s of seqs) for (const w of targets(s)) {
      this.counts[w]!++;
      this.total++;
    }
  }
  prob(w: number): number {
    return (this.counts[w]! + 1) / (this.total + this.predictable);
  }
  score(seqs: readonly (readonly number[])[]): NgramScore {
    let nll = 0, tokens = 0;
    for (const s of seqs) for (const w of targets(s)) {
      nll -= Math.log(this.prob(w));
      tokens++;
    }
    return { nll, tokens };
  }
}

export class KneserNeyBigram {
  private readonly pair = new Map<number, Map<number, number>>();
  private readonly contextTotal = new Map<number, number>();
  private readonly continuation: Float64Array;
  private continuationTotal = 0;

  constructor(seqs: readonly (readonly number[])[], private readonly vocab: number, private readonly d = 0.75) {
    for (const s of seqs) {
      let prev = BOS;
      for (const w of targets(s)) {
        let row = this.pair.get(prev);
        if (!row) this.pair.set(prev, (row = new Map()));
        row.set(w, (row.get(w) ?? 0) + 1);
        this.contextTotal.set(prev, (this.contextTotal.get(prev) ?? 0) + 1);
        prev = w;
      }
    }
    this.continuation = new Float64Array(vocab);
    for (const row of this.pair.values()) for (const w of row.keys()) {
      this.continuation[w]!++;
      this.continuationTotal++;
    }
  }

  /** P_cont(w), add-one over the vocabulary so an id never seen after anything keeps some mass. */
  pCont(w: number): number {
    return (this.continuation[w]! + 1) / (this.continuationTotal + this.vocab);
  }

  prob(v: number, w: number): number {
    const cv = this.contextTotal.get(v);
    if (cv === undefined) return this.pCont(w);
    const row = this.pair.get(v)!;
    return Math.max((row.get(w) ?? 0) - this.d, 0) / cv + (this.d * row.size / cv) * this.pCont(w);
  }

  score(seqs: readonly (readonly number[])[]): NgramScore {
    let nll = 0, tokens = 0;
    for (const s of seqs) {
      let prev = BOS;
      for (const w of targets(s)) {
        nll -= Math.log(this.prob(prev, w));
        tokens++;
        prev = w;
      }
    }
    return { nll, tokens };
  }
}
