import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { Embedding, Mlp, Sgd, crossEntropy, linear, mul, sum, tensor, type Tensor } from '../nn/index.js';
import { noiseMultiplierFor } from './calibrate.js';
import { createRdpAccountant } from './accountant.js';
import { DpSgd, dpSgdStep, poissonSample } from './dp-sgd.js';

const X = [[0.5, -1, 2], [3, 0.2, -0.7], [-2, 1.5, 0.1], [0.3, 0.3, -4]];
const Y = [0, 2, 1, 2];

function mlp(seed: number): Mlp {
  return new Mlp({ sizes: [3, 5, 3], rng: createRng(seed) });
}

function gradNorm(params: readonly Tensor[]): number {
  let sq = 0;
  for (const p of params) if (p.grad) for (const g of p.grad) sq += g * g;
  return Math.sqrt(sq);
}

describe('DP-SGD', () => {
  it('clips each example gradient to norm C over all parameters, and leaves smaller ones alone', () => {
    const model = mlp(1);
    // Expected batch size qN = 1, σ = 0 and lr = 0: after a one-example step each grad is that example's clipped gradient.
    const lossOf = (k: number): Tensor => crossEntropy(model.forward(tensor(X[k]!, [1, 3])), [Y[k]!]);
    const free = new DpSgd({ optimizer: new Sgd(model.parameters(), { lr: 0 }), clip: Infinity, noiseMultiplier: 0, sampleRate: 0.5, datasetSize: 2, delta: 1e-5, rng: createRng(2) });
    for (let k = 0; k < X.length; k++) {
      free.step([k], lossOf);
      const raw = gradNorm(model.parameters());
      expect(raw).toBeGreaterThan(0.1);
      for (const clip of [raw / 10, raw / 2, raw * 2]) {
        const dp = new DpSgd({ optimizer: new Sgd(model.parameters(), { lr: 0 }), clip, noiseMultiplier: 0, sampleRate: 0.5, datasetSize: 2, delta: 1e-5, rng: createRng(2) });
        const info = dp.step([k], lossOf);
        expect(info.meanNorm).toBeCloseTo(raw, 4);
        expect(gradNorm(model.parameters())).toBeLessThanOrEqual(clip);
        expect(gradNorm(model.parameters())).toBeCloseTo(Math.min(raw, clip), 4);
        expect(info.clippedFraction).toBe(clip < raw ? 1 : 0);
      }
    }
  });

  it('clips the sum of a sparse embedding row looked up twice, not each lookup', () => {
    const emb = new Embedding({ numEmbeddings: 4, embeddingDim: 2, sparse: true, rng: createRng(3) });
    const dp = new DpSgd({ optimizer: new Sgd(emb.parameters(), { lr: 0 }), clip: 1, noiseMultiplier: 0, sampleRate: 1, datasetSize: 1, delta: 1e-5, rng: createRng(1) });
    // loss = Σ 3·(row 2 twice): gradient of row 2 is 6 per coordinate, norm 6√2.
    const info = dp.step([0], () => sum(mul(emb.forward([2, 2]), tensor([3, 3, 3, 3], [2, 2]))));
    expect(info.meanNorm).toBeCloseTo(6 * Math.SQRT2, 4);
    const g = emb.weight.grad!;
    expect(g[4]).toBeCloseTo(1 / Math.SQRT2, 4);
    expect(g[5]).toBeCloseTo(1 / Math.SQRT2, 4);
    expect(g[0]).toBe(0);
  });

  it('scattered rows (read in place from a dense scratch, optionally cleared) clip and sum as packed rows do', () => {
    const make = (): { w: Tensor; dp: DpSgd } => {
      const w = tensor(new Float32Array(8), [4, 2], { requiresGrad: true });
      return { w, dp: new DpSgd({ optimizer: new Sgd([w], { lr: 0 }), clip: 1, noiseMultiplier: 0, sampleRate: 1, datasetSize: 1, delta: 1e-5, rng: createRng(1) }) };
    };
    // Rows 3 and 1 with gradients (3, 0) and (0, 4): norm 5, clipped to 1.
    const packed = make(), scattered = make();
    expect(packed.dp.addExample([{ param: 0, ids: Int32Array.of(3, 1), values: Float32Array.of(3, 0, 0, 4) }])).toBeCloseTo(5, 6);
    const scratch = Float32Array.of(0, 0, 0, 4, 0, 0, 3, 0);
    expect(scattered.dp.addExample([{ param: 0, ids: Int32Array.of(3, 1), values: scratch, scattered: true, clear: true }])).toBeCloseTo(5, 6);
    expect(Array.from(scratch)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    packed.dp.finishStep();
    scattered.dp.finishStep();
    expect(Array.from(scattered.w.grad!)).toEqual(Array.from(packed.w.grad!));
    expect(scattered.w.grad![6]).toBeCloseTo(0.6, 5);
    expect(scattered.w.grad![3]).toBeCloseTo(0.8, 5);
    expect(() => scattered.dp.addExample([{ param: 0, ids: Int32Array.of(1), values: new Float32Array(2), scattered: true }])).toThrow(/expected 8 gradient values/);
  });

  it('with σ = 0 and C = ∞ equals plain SGD on the same batch (mean loss over qN examples)', () => {
    const a = mlp(5), b = mlp(5);
    const batch = [0, 1, 2, 3];
    const plain = new Sgd(a.parameters(), { lr: 0.3, momentum: 0.9 });
    const dp = new DpSgd({ optimizer: new Sgd(b.parameters(), { lr: 0.3, momentum: 0.9 }), clip: Infinity, noiseMultiplier: 0, sampleRate: 0.5, datasetSize: 8, delta: 1e-5, rng: createRng(1) });
    for (let s = 0; s < 3; s++) {
      plain.zeroGrad();
      crossEntropy(a.forward(tensor(X.flat(), [4, 3])), Y).backward();
      plain.step();
      dpSgdStep(dp, batch, (k) => crossEntropy(b.forward(tensor(X[k]!, [1, 3])), [Y[k]!]));
    }
    const pa = a.parameters(), pb = b.parameters();
    for (let i = 0; i < pa.length; i++) {
      for (let j = 0; j < pa[i]!.size; j++) expect(pb[i]!.data[j]).toBeCloseTo(pa[i]!.data[j]!, 5);
    }
  });

  it('adds noise of standard deviation σC / qN to every coordinate', () => {
    const w = tensor(new Float32Array(20000), [100, 200], { requiresGrad: true });
    const sigma = 1.5, clip = 2, q = 0.1, n = 40; // σC / qN = 0.75
    const dp = new DpSgd({ optimizer: new Sgd([w], { lr: 0 }), clip, noiseMultiplier: sigma, sampleRate: q, datasetSize: n, delta: 1e-5, rng: createRng(9) });
    dp.step([], () => sum(w));
    let s = 0, s2 = 0;
    for (const g of w.grad!) { s += g; s2 += g * g; }
    const mean = s / w.size, std = Math.sqrt(s2 / w.size - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.03); // 5 standard errors of the mean (0.75 / √20000)
    expect(std).toBeGreaterThan(0.75 * 0.97);
    expect(std).toBeLessThan(0.75 * 1.03);
  });

  it('the noisy gradient is the clipped sum plus noise over qN (σ > 0)', () => {
    const w = tensor(Float32Array.from([1, 2]), [2], { requiresGrad: true });
    const dp = new DpSgd({ optimizer: new Sgd([w], { lr: 0 }), clip: 1, noiseMultiplier: 1e-3, sampleRate: 0.5, datasetSize: 4, delta: 1e-5, rng: createRng(9) });
    // Two examples with gradient (3, 4) (norm 5) → each clipped to (0.6, 0.8); sum / 2 = (0.6, 0.8) ± 0.0005 noise.
    dp.step([0, 1], () => sum(mul(w, tensor([3, 4], [2]))));
    expect(w.grad![0]).toBeCloseTo(0.6, 2);
    expect(w.grad![1]).toBeCloseTo(0.8, 2);
  });

  it("Poisson sampling: batch sizes average qN, each example's inclusion rate is q, indices ascending and distinct", () => {
    const rng = createRng(11), n = 5000, q = 0.03, reps = 400;
    const counts = new Int32Array(n);
    let total = 0, ascending = true;
    for (let r = 0; r < reps; r++) {
      const batch = poissonSample(n, q, rng);
      total += batch.length;
      for (let k = 1; k < batch.length; k++) ascending &&= batch[k]! > batch[k - 1]!;
      for (const i of batch) counts[i]!++;
    }
    expect(ascending).toBe(true);
    // Mean batch size qN = 150, standard error √(qN(1−q)/reps) ≈ 0.6.
    expect(Math.abs(total / reps - q * n)).toBeLessThan(3);
    // First and last quarter are sampled alike (no drift along the index).
    const quarter = (from: number): number => counts.slice(from, from + n / 4).reduce((x, y) => x + y, 0) / (n / 4) / reps;
    expect(Math.abs(quarter(0) - q)).toBeLessThan(0.003);
    expect(Math.abs(quarter((3 * n) / 4) - q)).toBeLessThan(0.003);
    expect(Array.from(poissonSample(5, 1, rng))).toEqual([0, 1, 2, 3, 4]);
    expect(poissonSample(5, 0, rng).length).toBe(0);
  });

  it("the accountant's ε after training equals epsilonFor(steps)", () => {
    const model = mlp(2);
    const dp = new DpSgd({ optimizer: new Sgd(model.parameters(), { lr: 0.1 }), clip: 1, noiseMultiplier: 1.1, sampleRate: 0.25, datasetSize: 4, delta: 1e-5, rng: createRng(4) });
    let last = 0;
    for (let s = 0; s < 12; s++) last = dp.step(dp.sampleBatch(), (k) => crossEntropy(model.forward(tensor(X[k]!, [1, 3])), [Y[k]!])).epsilon;
    const reference = createRdpAccountant({ noiseMultiplier: 1.1, sampleRate: 0.25, delta: 1e-5 }).epsilonFor(12);
    expect(dp.accountant.steps).toBe(12);
    expect(dp.accountant.epsilon()).toBe(reference);
    expect(last).toBe(reference);
    expect(dp.expectedBatchSize).toBe(1);
  });

  it('trains: noisy private steps still lower a linear model loss', () => {
    const rng = createRng(8), n = 200;
    const xs = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
    const ys = xs.map(([a, b]) => (a! + 0.5 * b! > 0 ? 1 : 0));
    const w = tensor(new Float32Array(4), [2, 2], { requiresGrad: true });
    const loss = (): number => crossEntropy(linear(tensor(xs.flat(), [n, 2]), w), ys).item();
    const before = loss();
    const dp = new DpSgd({ optimizer: new Sgd([w], { lr: 0.5 }), clip: 1, noiseMultiplier: 0.8, sampleRate: 0.2, datasetSize: n, delta: 1e-5, rng });
    for (let s = 0; s < 30; s++) dp.step(dp.sampleBatch(), (k) => crossEntropy(linear(tensor(xs[k]!, [1, 2]), w), [ys[k]!]));
    expect(loss()).toBeLessThan(before * 0.8);
  });

  it('names invalid options', () => {
    const opt = new Sgd(mlp(1).parameters());
    const base = { optimizer: opt, clip: 1, noiseMultiplier: 1, sampleRate: 0.1, datasetSize: 10, delta: 1e-5, rng: createRng(1) };
    expect(() => new DpSgd({ ...base, clip: 0 })).toThrow(/clip:/);
    expect(() => new DpSgd({ ...base, clip: Infinity })).toThrow(/clip: noise/);
    expect(() => new DpSgd({ ...base, noiseMultiplier: -1 })).toThrow(/noiseMultiplier:/);
    expect(() => new DpSgd({ ...base, sampleRate: 0 })).toThrow(/sampleRate:/);
    expect(() => new DpSgd({ ...base, datasetSize: 2.5 })).toThrow(/datasetSize:/);
    expect(() => new DpSgd({ ...base, delta: 2 })).toThrow(/delta:/);
    const dp = new DpSgd(base);
    expect(() => dp.addExample([{ param: 9, values: new Float32Array(1) }])).toThrow(/param:/);
    expect(() => dp.addExample([{ param: 0, values: new Float32Array(1) }])).toThrow(/expected 15 gradient values/);
  });
});

describe('noiseMultiplierFor', () => {
  it('finds the smallest σ that meets the target ε (bisection with the accountant)', () => {
    const q = 256 / 60000, steps = 14063, delta = 1e-5;
    const eps = (sigma: number): number => createRdpAccountant({ noiseMultiplier: sigma, sampleRate: q, delta }).epsilonFor(steps);
    for (const target of [1, 3, 8]) {
      const sigma = noiseMultiplierFor({ epsilon: target, delta, sampleRate: q, steps });
      expect(eps(sigma)).toBeLessThanOrEqual(target);
      expect(eps(sigma - 2e-4)).toBeGreaterThan(target);
    }
    // TF Privacy's tutorial: σ 1.1 over 60 epochs is ε 3.01 (classic), so ε 3 needs σ just above 1.1.
    const classic = noiseMultiplierFor({ epsilon: 3, delta, sampleRate: q, steps: 60 * 234, conversion: 'classic' });
    expect(classic).toBeGreaterThan(1.1);
    expect(classic).toBeLessThan(1.12);
    expect(() => noiseMultiplierFor({ epsilon: 0, delta, sampleRate: q, steps })).toThrow(/epsilon:/);
  });
});
