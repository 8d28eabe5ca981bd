/** @module Classification metrics of the text classifiers: accuracy, macro-averaged recall, macro-F1 (TweetEval's metrics) and the Brier score. */

export interface ClassificationReport {
  accuracy: number;
  macroRecall: number;
  macroF1: number;
  recall: number[];
}

/** Metrics over class indices in [0, K). */
export function classificationReport(truth: ArrayLike<number>, pred: ArrayLike<number>, K: number): ClassificationReport {
  const tp = new Float64Array(K), support = new Float64Array(K), predicted = new Float64Array(K);
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    support[truth[i]!]!++;
    predicted[pred[i]!]!++;
    if (truth[i] === pred[i]) {
      tp[truth[i]!]!++;
      correct++;
    }
  }
  const recall: number[] = [];
  let f1 = 0;
  for (let c = 0; c < K; c++) {
    const r = support[c]! > 0 ? tp[c]! / support[c]! : 0;
    const p = predicted[c]! > 0 ? tp[c]! / predicted[c]! : 0;
    recall.push(r);
    f1 += p + r > 0 ? (2 * p * r) / (p + r) : 0;
  }
  return { accuracy: correct / truth.length, macroRecall: recall.reduce((a, b) => a + b, 0) / K, macroF1: f1 / K, recall };
}

/** Brier score of n × K probabilities against class indices: mean over rows of Σ_k (p_k − [y = k])². */
export function brierScore(P: ArrayLike<number>, y: ArrayLike<number>, K: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) for (let k = 0; k < K; k++) s += (P[i * K + k]! - (y[i] === k ? 1 : 0)) ** 2;
  return y.length ? s / y.length : 0;
}
