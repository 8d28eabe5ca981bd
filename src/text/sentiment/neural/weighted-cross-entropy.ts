/**
 * @module Class-weighted cross-entropy, one fused node: L = Σᵢ w_{yᵢ}·(−log softmax(zᵢ)_{yᵢ}) / Σᵢ w_{yᵢ}
 * (PyTorch's CrossEntropyLoss(weight=w) with mean reduction). Gradient ∂L/∂zᵢ = w_{yᵢ}·(softmax(zᵢ) − e_{yᵢ}) / Σ w.
 */
import { createError } from '../../../core/errors.js';
import { Tensor, record, willRecord } from '../../../nn/tensor.js';
import { logSoftmaxRows } from '../../../nn/ops/softmax.js';

/** logits [N, K], labels N class indices, classWeights K values (all 1 = the ordinary mean cross-entropy). */
export function weightedCrossEntropy(logits: Tensor, labels: Int32Array, classWeights: Float32Array): Tensor {
  const K = logits.shape[logits.ndim - 1]!, N = logits.size / K;
  if (labels.length !== N) throw createError('SHAPE_MISMATCH', { op: 'weightedCrossEntropy', problem: `${N} rows of logits but ${labels.length} labels` });
  if (classWeights.length !== K) throw createError('SHAPE_MISMATCH', { op: 'weightedCrossEntropy', problem: `${K} classes but ${classWeights.length} weights` });
  const lsm = new Float32Array(logits.size);
  logSoftmaxRows(logits.data, lsm, N, K);
  let total = 0, wsum = 0;
  for (let i = 0; i < N; i++) {
    const y = labels[i]!;
    if (!(y >= 0 && y < K)) throw createError('INVALID_INPUT', { field: `labels[${i}]`, problem: `expected a class in [0, ${K}), got ${y}` });
    const w = classWeights[y]!;
    total -= w * lsm[i * K + y]!;
    wsum += w;
  }
  const out = new Tensor(Float32Array.of(wsum > 0 ? total / wsum : 0), []);
  if (willRecord(logits)) {
    const y = Int32Array.from(labels);
    record(out, [logits], () => {
      if (wsum === 0) return;
      const g = out.grad![0]! / wsum, gx = logits.ensureGrad();
      for (let i = 0; i < N; i++) {
        const c = y[i]!, s = g * classWeights[c]!, base = i * K;
        for (let j = 0; j < K; j++) gx[base + j] = gx[base + j]! + s * Math.exp(lsm[base + j]!);
        gx[base + c] = gx[base + c]! - s;
      }
    });
  }
  return out;
}

/** 'balanced' class weights n / (K · n_c) as scikit-learn (a class absent from the labels gets weight 0). */
export function balancedClassWeights(labels: Int32Array, K: number): Float32Array {
  const counts = new Float64Array(K);
  for (const y of labels) counts[y]!++;
  const w = new Float32Array(K);
  for (let c = 0; c < K; c++) w[c] = counts[c]! > 0 ? labels.length / (K * counts[c]!) : 0;
  return w;
}
