/**
 * @module RDP accountant against published figures: ε of DP-SGD (Poisson-sampled Gaussian mechanism) from our
 * `src/privacy/` beside the values TensorFlow Privacy and Opacus publish in their tutorials, READMEs and tests,
 * each with the settings (orders, step count, conversion) the source used. Also the time of one ε computation.
 *
 *   npm run bench -- privacy
 */
import { computeRdp, DEFAULT_ORDERS, DP_SGD_ORDERS, epsilonFromRdp, type Conversion } from '../src/privacy/index.js';
import { machineLine, table } from './_machine.js';

interface Mechanism {
  q: number;
  sigma: number;
  steps: number;
}

interface Case {
  source: string;
  setting: string;
  /** One mechanism, or several composed (their RDP summed). */
  mechanisms: Mechanism[];
  delta: number;
  orders: readonly number[];
  conversion: Conversion;
  published: number;
  /** The optimal order the source reports, when it does. */
  publishedOrder?: number;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const mnistTf = (sigma: number, epochs: number): Mechanism => ({ q: 256 / 60000, sigma, steps: epochs * Math.floor(60000 / 256) });
const dpSgd = (n: number, batch: number, sigma: number, epochs: number): Mechanism => ({ q: batch / n, sigma, steps: Math.ceil((epochs * n) / batch) });
const mnistOpacus = (sigma: number, epochs: number): Mechanism => ({ q: 0.004, sigma, steps: epochs * 250 });
const COMPOSITION_ORDERS = [1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 64, 256];

const CASES: Case[] = [
  // tensorflow/privacy tutorials/README.md, commit 047e1ee (2019-01-18), "Select Parameters" table: MNIST, batch 256 of
  // 60 000, δ 1e-5; mnist_dpsgd_tutorial.py counted epochs × ⌊60000/256⌋ steps, default orders, classic conversion.
  { source: 'TF Privacy tutorial README (2019-01)', setting: 'MNIST σ 1.12, 60 epochs', mechanisms: [mnistTf(1.12, 60)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 2.92 },
  { source: 'TF Privacy tutorial README (2019-01)', setting: 'MNIST σ 0.6, 30 epochs', mechanisms: [mnistTf(0.6, 30)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 9.74 },
  { source: 'TF Privacy tutorial README (2019-01)', setting: 'MNIST σ 1.2, 10 epochs', mechanisms: [mnistTf(1.2, 10)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 1.2 },
  // Same README, commit d435fcb (2019-02-06): the table after the default became σ 1.1.
  { source: 'TF Privacy tutorial README (2019-02)', setting: 'MNIST σ 1.1, 60 epochs', mechanisms: [mnistTf(1.1, 60)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 3.01 },
  { source: 'TF Privacy tutorial README (2019-02)', setting: 'MNIST σ 1.3, 15 epochs', mechanisms: [mnistTf(1.3, 15)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 1.19 },
  { source: 'TF Privacy tutorial README (2019-02)', setting: 'MNIST σ 0.7, 45 epochs', mechanisms: [mnistTf(0.7, 45)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 7.1 },
  // tensorflow_privacy/privacy/analysis/compute_dp_sgd_privacy_test.py: steps ⌈epochs·n/batch⌉, the
  // compute_dp_sgd_privacy orders; classic values until commit be8175b (2020-12-30), tight values after it.
  { source: 'TF Privacy compute_dp_sgd_privacy_test (≤2020)', setting: 'n 60k, batch 150, σ 1.3, 15 ep., δ 1e-5', mechanisms: [dpSgd(60000, 150, 1.3, 15)], delta: 1e-5, orders: DP_SGD_ORDERS, conversion: 'classic', published: 0.941870567, publishedOrder: 19 },
  { source: 'TF Privacy compute_dp_sgd_privacy_test (≤2020)', setting: 'n 100k, batch 100, σ 1.0, 30 ep., δ 1e-7', mechanisms: [dpSgd(100000, 100, 1.0, 30)], delta: 1e-7, orders: DP_SGD_ORDERS, conversion: 'classic', published: 1.70928734, publishedOrder: 13 },
  { source: 'TF Privacy compute_dp_sgd_privacy_test (≤2020)', setting: 'n 1e8, batch 1024, σ 0.1, 10 ep., δ 1e-7', mechanisms: [dpSgd(1e8, 1024, 0.1, 10)], delta: 1e-7, orders: DP_SGD_ORDERS, conversion: 'classic', published: 5907984.81339406, publishedOrder: 1.25 },
  { source: 'TF Privacy compute_dp_sgd_privacy_test (2021+)', setting: 'n 60k, batch 150, σ 1.3, 15 ep., δ 1e-5', mechanisms: [dpSgd(60000, 150, 1.3, 15)], delta: 1e-5, orders: DP_SGD_ORDERS, conversion: 'tight', published: 0.7242234026109595, publishedOrder: 19 },
  { source: 'TF Privacy compute_dp_sgd_privacy_test (2021+)', setting: 'n 100k, batch 100, σ 1.0, 30 ep., δ 1e-7', mechanisms: [dpSgd(100000, 100, 1.0, 30)], delta: 1e-7, orders: DP_SGD_ORDERS, conversion: 'tight', published: 1.4154988495444842, publishedOrder: 13 },
  { source: 'TF Privacy compute_dp_sgd_privacy_test (2021+)', setting: 'n 1e8, batch 1024, σ 0.1, 10 ep., δ 1e-7', mechanisms: [dpSgd(1e8, 1024, 0.1, 10)], delta: 1e-7, orders: DP_SGD_ORDERS, conversion: 'tight', published: 5907982.3113984, publishedOrder: 1.25 },
  // tensorflow_privacy/privacy/analysis/rdp_accountant_test.py test_check_composition (classic, before be8175b).
  { source: 'TF Privacy rdp_accountant_test (≤2020)', setting: 'q 1e-4 σ 0.4 ×40000 ∘ q 0.1 σ 2 ×100', mechanisms: [{ q: 1e-4, sigma: 0.4, steps: 40000 }, { q: 0.1, sigma: 2, steps: 100 }], delta: 1e-5, orders: COMPOSITION_ORDERS, conversion: 'classic', published: 8.509656, publishedOrder: 2.5 },
  // pytorch/opacus opacus/tests/accountants_test.py test_rdp_accountant: σ 1.5, q 0.04, int(90 / 0.04) steps, default alphas.
  { source: 'Opacus accountants_test', setting: 'q 0.04, σ 1.5, 2250 steps, δ 1e-5', mechanisms: [{ q: 0.04, sigma: 1.5, steps: 2250 }], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'tight', published: 7.32911117143 },
  // pytorch/opacus opacus/accountants/analysis/rdp.py module docstring example: orders 2…32.
  { source: 'Opacus rdp.py docstring', setting: 'q 1e-5 σ 1 ×10 ∘ q 1e-4 σ 3 ×4', mechanisms: [{ q: 1e-5, sigma: 1, steps: 10 }, { q: 1e-4, sigma: 3, steps: 4 }], delta: 1e-5, orders: range(2, 33), conversion: 'tight', published: 0.336, publishedOrder: 23 },
  // pytorch/opacus examples/mnist_README.md, commit eb4e69a6 (2021-03-16, before Opacus took the tight conversion in
  // April 2021): sample rate 0.004 (250 steps an epoch), default alphas.
  { source: 'Opacus MNIST example README (2021-03)', setting: 'MNIST σ 1.3, 1 epoch', mechanisms: [mnistOpacus(1.3, 1)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 0.71, publishedOrder: 18 },
  { source: 'Opacus MNIST example README (2021-03)', setting: 'MNIST σ 1.3, 15 epochs', mechanisms: [mnistOpacus(1.3, 15)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 1.16, publishedOrder: 17 },
  { source: 'Opacus MNIST example README (2021-03)', setting: 'MNIST σ 0.7, 45 epochs', mechanisms: [mnistOpacus(0.7, 45)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 6.86 },
  { source: 'Opacus MNIST example README (2021-03)', setting: 'MNIST σ 1.1, 60 epochs', mechanisms: [mnistOpacus(1.1, 60)], delta: 1e-5, orders: DEFAULT_ORDERS, conversion: 'classic', published: 2.91 },
];

function ours(c: Case): { epsilon: number; order: number | null } {
  const rdp = new Array<number>(c.orders.length).fill(0);
  for (const m of c.mechanisms) computeRdp(m.q, m.sigma, m.steps, c.orders).forEach((r, i) => (rdp[i]! += r));
  return epsilonFromRdp(c.orders, rdp, c.delta, c.conversion);
}

/** Digits after the point of the published figure, to show ours at the same precision. */
function decimals(x: number): number {
  const s = String(x);
  return s.includes('.') ? s.split('.')[1]!.length : 0;
}

export async function run(_args: string[]): Promise<void> {
  console.log(machineLine());
  const rows = CASES.map((c) => {
    const { epsilon, order } = ours(c);
    const d = Math.max(2, decimals(c.published));
    const orderCell = c.publishedOrder === undefined ? String(order) : `${order} (${c.publishedOrder})`;
    return [c.source, c.setting, c.conversion, c.published.toFixed(d), epsilon.toFixed(d), Math.abs(epsilon - c.published).toExponential(1), orderCell];
  });
  console.log(table(['source', 'setting', 'conversion', 'published ε', 'ours ε', '|Δ|', 'order ours (published)'], rows));

  // Cost of one ε: MNIST σ 1.1, 60 epochs, default grid (99 fractional orders use the series, 52 integer the closed form).
  const m = mnistTf(1.1, 60);
  const times: number[] = [];
  for (let rep = 0; rep < 21; rep++) {
    const t0 = performance.now();
    epsilonFromRdp(DEFAULT_ORDERS, computeRdp(m.q, m.sigma, m.steps, DEFAULT_ORDERS), 1e-5, 'tight');
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`\none ε over the default 151 orders (MNIST σ 1.1): median ${times[10]!.toFixed(2)} ms of 21 runs, slowest ${times.at(-1)!.toFixed(2)} ms`);
}
