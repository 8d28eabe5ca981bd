/**
 * @module Reference (slow, obviously correct) multinomial logistic loss and gradient on a dense matrix, the twin
 * of `logisticLossGrad` in logistic-regression.ts.
 */

/** L = (1/S)·Σ sᵢ(−log softmax(Wᵀxᵢ + b)_{yᵢ}) + ‖W‖²/(2CS); params = [W (D×K), b]. X is n × D row-major. */
export function logisticLossGradRef(
  X: number[][], y: number[], K: number, s: number[], C: number, params: Float64Array,
): { loss: number; grad: Float64Array } {
  const D = X[0]!.length;
  const W = (j: number, k: number): number => params[j * K + k]!;
  const b = (k: number): number => params[D * K + k]!;
  const S = s.reduce((a, c) => a + c, 0);
  const grad = new Float64Array(params.length);
  let loss = 0;
  X.forEach((x, i) => {
    const z = Array.from({ length: K }, (_, k) => b(k) + x.reduce((acc, xj, j) => acc + W(j, k) * xj, 0));
    const logZ = Math.log(z.reduce((acc, zk) => acc + Math.exp(zk), 0));
    loss += (s[i]! / S) * (logZ - z[y[i]!]!);
    for (let k = 0; k < K; k++) {
      const r = (s[i]! / S) * (Math.exp(z[k]! - logZ) - (k === y[i] ? 1 : 0));
      for (let j = 0; j < D; j++) grad[j * K + k]! += r * x[j]!;
      grad[D * K + k]! += r;
    }
  });
  for (let j = 0; j < D * K; j++) {
    loss += params[j]! ** 2 / (2 * C * S);
    grad[j]! += params[j]! / (C * S);
  }
  return { loss, grad };
}
