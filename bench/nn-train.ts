/**
 * @module nn training-step benchmark: ms per step (forward + backward + Adam) of four models against PyTorch on
 * the same shapes, init scheme and batch (peer: bench/peers/nn_train.py), at 1 and 2 threads.
 *
 *   npx tsx -e "import('./bench/nn-train.ts').then(m => m.run([]))"      (or npm run bench -- nn-train)
 *   args: --steps N (timed steps, default 10), --models mlp,textcnn,gru,transformer, --threads 1,2, --no-peer,
 *         --omp-passive (run the peer with OMP_WAIT_POLICY=PASSIVE: on a shared machine PyTorch's OpenMP threads
 *         otherwise spin-wait for descheduled peers and its 2-thread times collapse)
 *
 * Models: MLP 784→256→128→10 (batch 64); TextCNN (vocab 20k, embedding 100, filters 3/4/5 × 100, max over time,
 * dropout 0.5, 3 classes, batch 64, length 50); GRU classifier (embedding 100, hidden 128, last state → 3 classes);
 * Transformer encoder (embedding + learned positions d = 64, 2 post-LN blocks, 2 heads, FF 256, dropout 0.1,
 * mean pooling → 3 classes). Embedding gradients are dense in both (PyTorch's default).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, type Rng } from '../src/core/rng.js';
import { configureGemm } from '../src/math/gemm.js';
import {
  Adam, Conv1d, Dropout, Embedding, Gru, Linear, Mlp, Module, TransformerBlock,
  add, concat, crossEntropy, maxPoolTime, meanPoolTime, relu, uniform, type Tensor,
} from '../src/nn/index.js';
import { machineLine, python, table } from './_machine.js';

const VOCAB = 20000, EMB = 100, T = 50, B = 64, CLASSES = 3;

interface Bench {
  model: Module;
  forward: () => Tensor;
  labels: Int32Array;
}

class TextCnn extends Module {
  readonly emb: Embedding;
  readonly convs: Conv1d[];
  readonly drop: Dropout;
  readonly fc: Linear;
  constructor(rng: Rng) {
    super();
    this.emb = new Embedding({ numEmbeddings: VOCAB, embeddingDim: EMB, rng });
    this.convs = [3, 4, 5].map((k) => new Conv1d({ inChannels: EMB, outChannels: 100, kernelSize: k, rng }));
    this.drop = new Dropout({ p: 0.5, rng });
    this.fc = new Linear({ inFeatures: 300, outFeatures: CLASSES, rng });
  }
  forward(ids: Int32Array): Tensor {
    const x = this.emb.forward(ids, [B, T]);
    return this.fc.forward(this.drop.forward(concat(this.convs.map((c) => maxPoolTime(relu(c.forward(x)))), 1)));
  }
}

class GruClassifier extends Module {
  readonly emb: Embedding;
  readonly gru: Gru;
  readonly fc: Linear;
  constructor(rng: Rng) {
    super();
    this.emb = new Embedding({ numEmbeddings: VOCAB, embeddingDim: EMB, rng });
    this.gru = new Gru({ inputSize: EMB, hiddenSize: 128, rng });
    this.fc = new Linear({ inFeatures: 128, outFeatures: CLASSES, rng });
  }
  forward(ids: Int32Array): Tensor {
    return this.fc.forward(this.gru.forward(this.emb.forward(ids, [B, T])).last);
  }
}

class TransformerClassifier extends Module {
  readonly emb: Embedding;
  readonly pos: Embedding;
  readonly blocks: TransformerBlock[];
  readonly fc: Linear;
  private readonly positions: Int32Array;
  constructor(rng: Rng) {
    super();
    this.emb = new Embedding({ numEmbeddings: VOCAB, embeddingDim: 64, rng });
    this.pos = new Embedding({ numEmbeddings: T, embeddingDim: 64, rng });
    this.blocks = [0, 1].map(() => new TransformerBlock({ dModel: 64, numHeads: 2, dimFeedforward: 256, dropout: 0.1, norm: 'post', rng }));
    this.fc = new Linear({ inFeatures: 64, outFeatures: CLASSES, rng });
    this.positions = Int32Array.from({ length: B * T }, (_, i) => i % T);
  }
  forward(ids: Int32Array): Tensor {
    let h = add(this.emb.forward(ids, [B, T]), this.pos.forward(this.positions, [B, T]));
    for (const b of this.blocks) h = b.forward(h);
    return this.fc.forward(meanPoolTime(h));
  }
}

function make(name: string): Bench {
  const rng = createRng(0);
  const ids = Int32Array.from({ length: B * T }, () => rng.int(VOCAB));
  const labels = Int32Array.from({ length: B }, () => rng.int(CLASSES));
  switch (name) {
    case 'mlp': {
      const model = new Mlp({ sizes: [784, 256, 128, 10], rng });
      const x = uniform([B, 784], rng, 0, 1);
      return { model, forward: () => model.forward(x), labels: Int32Array.from({ length: B }, () => rng.int(10)) };
    }
    case 'textcnn': { const model = new TextCnn(rng); return { model, forward: () => model.forward(ids), labels }; }
    case 'gru': { const model = new GruClassifier(rng); return { model, forward: () => model.forward(ids), labels }; }
    default: { const model = new TransformerClassifier(rng); return { model, forward: () => model.forward(ids), labels }; }
  }
}

/** Median wall ms per step, CPU ms per step (all threads of the process), and mean wall ms of each phase. */
interface Timing { ms: number; cpu: number; forward: number; backward: number; optim: number }

function timeOurs(name: string, steps: number): Timing {
  const { model, forward, labels } = make(name);
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const totals: number[] = [];
  let fw = 0, bw = 0, op = 0;
  let cpu0 = process.cpuUsage();
  for (let s = 0; s < steps + 3; s++) {
    if (s === 3) cpu0 = process.cpuUsage();
    const t0 = performance.now();
    opt.zeroGrad();
    const loss = crossEntropy(forward(), labels);
    const t1 = performance.now();
    loss.backward();
    const t2 = performance.now();
    opt.step();
    const t3 = performance.now();
    if (s >= 3) { // warm-up steps (JIT, first allocations) excluded
      totals.push(t3 - t0);
      fw += t1 - t0;
      bw += t2 - t1;
      op += t3 - t2;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  totals.sort((a, b) => a - b);
  return { ms: totals[totals.length >> 1]!, cpu: (cpu.user + cpu.system) / 1000 / steps, forward: fw / steps, backward: bw / steps, optim: op / steps };
}

function timePeer(models: string[], threads: number, steps: number, ompPassive: boolean): Map<string, Timing> | string {
  const py = python();
  if (py === undefined) return 'no /usr/bin/python3';
  const script = join(dirname(fileURLToPath(import.meta.url)), 'peers', 'nn_train.py');
  const env = ompPassive ? { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } : process.env;
  let out: string;
  try {
    out = execFileSync(py, [script, '--threads', String(threads), '--steps', String(steps), '--models', models.join(',')], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  } catch (err) {
    return `the peer failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  const res = new Map<string, Timing>();
  for (const line of out.trim().split('\n')) {
    const j = JSON.parse(line) as { error?: string; model: string } & Timing;
    if (j.error !== undefined) return j.error;
    res.set(j.model, j);
  }
  return res;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function run(args: string[]): Promise<void> {
  const steps = Number(arg(args, '--steps') ?? 10);
  const models = (arg(args, '--models') ?? 'mlp,textcnn,gru,transformer').split(',');
  const threadList = (arg(args, '--threads') ?? '1,2').split(',').map(Number);
  const peer = !args.includes('--no-peer');
  const ompPassive = args.includes('--omp-passive');
  console.log(`## nn training steps\n\n${machineLine()}; load average ${loadavg()[0]!.toFixed(1)}; ${steps} timed steps (median), batch ${B}${ompPassive ? '; peer with OMP_WAIT_POLICY=PASSIVE' : ''}\n`);
  const rows: (string | number)[][] = [];
  for (const threads of threadList) {
    configureGemm({ threads });
    const theirs = peer ? timePeer(models, threads, steps, ompPassive) : 'skipped (--no-peer)';
    if (typeof theirs === 'string') console.log(`PyTorch peer: ${theirs}`);
    for (const name of models) {
      const ours = timeOurs(name, steps);
      const t = typeof theirs === 'string' ? undefined : theirs.get(name);
      rows.push([
        name, threads, ours.ms, ours.cpu, `${ours.forward.toFixed(1)} / ${ours.backward.toFixed(1)} / ${ours.optim.toFixed(1)}`,
        t?.ms ?? '–', t?.cpu ?? '–', t ? `${t.forward.toFixed(1)} / ${t.backward.toFixed(1)} / ${t.optim.toFixed(1)}` : '–',
        t ? `${(ours.ms / t.ms).toFixed(2)}×` : '–', t ? `${(ours.cpu / t.cpu).toFixed(2)}×` : '–',
      ]);
    }
  }
  console.log(table(['model', 'threads', 'ours ms/step', 'ours CPU ms/step', 'ours fwd / bwd / adam ms', 'PyTorch ms/step', 'PyTorch CPU ms/step', 'PyTorch fwd / bwd / adam ms', 'wall ratio', 'CPU ratio'], rows));
  configureGemm({ threads: threadList[threadList.length - 1]! });
}
