/**
 * @module Matmul kernels benchmark: GFLOP/s of the reference TypeScript GEMM, the TypeScript fallback, the WASM
 * SIMD GEMM on one and two threads (operands copied in, or resident in WASM memory) and PyTorch (1 and 2 threads)
 * on square sizes and on the skinny shapes the models use.
 *
 *   npx tsx -e "import('./bench/matmul.ts').then(m => m.run([]))"      (or npm run bench -- matmul)
 *   args: --quick (shorter timings), --no-peer (skip PyTorch), --sizes 64,128 (squares only)
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureGemm, gemmBatched, type GemmArgs, type GemmBatchedArgs } from '../src/math/gemm.js';
import { gemmRef } from '../src/math/gemm.ref.js';
import { gemmJs } from '../src/math/kernels-js.js';
import { add, allocF32, axpy, dot, freeF32, kernelsBackend, max, scoreItems } from '../src/math/kernels.js';
import { addRef, axpyRef, dotRef, maxRef, scoreItemsRef } from '../src/math/kernels.ref.js';
import { machineLine, python, table } from './_machine.js';

interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  /** Independent products of this shape (gemmBatched; PyTorch: batched matmul). Default 1. */
  batch?: number;
}

const SQUARES = [64, 128, 256, 512, 1024];
const SKINNY: Shape[] = [
  // A batch of 4096 rows through a 64→64 linear layer (forward: X·W).
  { name: '4096×64 · 64×64 (NN)', m: 4096, n: 64, k: 64, transA: false, transB: false },
  // Its weight gradient: Xᵀ·G, reducing over the 4096 rows.
  { name: '64×4096 · 4096×64 (TN)', m: 64, n: 64, k: 4096, transA: true, transB: false },
  // A 128-sample batch through a 50→50 layer stored out×in (x·Wᵀ, as nn.Linear).
  { name: '128×50 · 50×50 (NT)', m: 128, n: 50, k: 50, transA: false, transB: true },
  // Scoring 20 000 items of dimension 64 against one user vector (GEMV).
  { name: '20000×64 · 64 (Items·u)', m: 20000, n: 1, k: 64, transA: false, transB: false },
  // TextCNN's widest convolution as im2col · Wᵀ: 64 sequences × 46 windows of 5 × 100 embedding values, 100 filters.
  { name: '2944×500 · 500×100 (NT, conv1d)', m: 2944, n: 100, k: 500, transA: false, transB: true },
  // The Transformer's fused QKV projection: 64 × 50 tokens of width 64 → 3 × 64 (x·Wᵀ).
  { name: '3200×64 · 64×192 (NT, QKV)', m: 3200, n: 192, k: 64, transA: false, transB: true },
  // Attention scores Q·Kᵀ for 256 (sequence, head) pairs of 50 positions × 32 dimensions (gemmBatched).
  { name: '256 × (50×32 · 32×50) (NT, batched)', m: 50, n: 50, k: 32, transA: false, transB: true, batch: 256 },
];

/**
 * Clock of a measurement. Single-threaded runs use the process CPU time (user + system): on a machine shared with
 * other jobs a descheduled thread accrues no CPU time, so it reads what an idle machine gives (the pool workers
 * sleep in Atomics.wait and use none). Multi-threaded runs need the wall clock: their point is elapsed time.
 */
type Clock = 'cpu' | 'wall';

function now(clock: Clock): number {
  if (clock === 'wall') return performance.now() / 1000;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Best seconds per call: batches grown until one lasts ≥ budget/5, then the fastest of five batches (slow calls:
 * best of 2). The best, not the median: on a shared machine other processes only ever add time.
 */
function time(fn: () => void, budget: number, clock: Clock = 'cpu'): number {
  const t = now(clock);
  fn();
  const first = now(clock) - t;
  if (first >= budget) {
    const t1 = now(clock);
    fn();
    return Math.min(first, now(clock) - t1);
  }
  let reps = 1;
  let dt = 0;
  for (;;) {
    const t0 = now(clock);
    for (let r = 0; r < reps; r++) fn();
    dt = now(clock) - t0;
    if (dt >= budget / 5 || reps >= 1 << 20) break;
    reps *= 2;
  }
  const times = [dt / reps];
  for (let b = 0; b < 4; b++) {
    const t0 = now(clock);
    for (let r = 0; r < reps; r++) fn();
    times.push((now(clock) - t0) / reps);
  }
  return Math.min(...times);
}

function random(n: number, into = new Float32Array(n)): Float32Array {
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0; // LCG: deterministic operands without the RNG module
    into[i] = s / 2 ** 32 - 0.5;
  }
  return into;
}

interface Row {
  shape: Shape;
  ref: number | undefined;
  js: number;
  copy1: number | undefined;
  wasm1: number | undefined;
  wasm2: number | undefined;
  torch1?: number;
  torch2?: number;
}

function measure(shape: Shape, budget: number): Row {
  const { m, n, k, transA, transB } = shape;
  const batch = shape.batch ?? 1;
  const flops = 2 * m * n * k * batch;
  const gf = (seconds: number): number => flops / seconds / 1e9;
  const a = random(batch * m * k), b = random(batch * k * n), c = new Float32Array(batch * m * n);
  const args: GemmBatchedArgs = { batch, m, n, k, a, b, c, transA, transB };
  /** One product after another on subarrays (how a caller without gemmBatched loops). */
  const looped = (f: (x: GemmArgs) => void): (() => void) => () => {
    for (let i = 0; i < batch; i++) {
      f({ m, n, k, transA, transB, a: a.subarray(i * m * k), b: b.subarray(i * k * n), c: c.subarray(i * m * n, (i + 1) * m * n) });
    }
  };
  // The reference triple loop is slow: skip it where one call would take more than a few seconds.
  const ref = flops <= 2 * 512 ** 3 ? gf(time(looped(gemmRef), budget)) : undefined;
  const js = gf(time(looped(gemmJs), budget));
  if (kernelsBackend !== 'wasm-simd') return { shape, ref, js, copy1: undefined, wasm1: undefined, wasm2: undefined };
  configureGemm({ smallFlops: 0, threads: 1 });
  const copy1 = gf(time(() => gemmBatched(args), budget));
  const wa = allocF32(a.length), wb = allocF32(b.length), wc = allocF32(c.length);
  wa.set(a);
  wb.set(b);
  const resident: GemmBatchedArgs = { batch, m, n, k, a: wa, b: wb, c: wc, transA, transB };
  const wasm1 = gf(time(() => gemmBatched(resident), budget));
  configureGemm({ smallFlops: 0, parallelFlops: 0, threads: 2 });
  const wasm2 = gf(time(() => gemmBatched(resident), budget, 'wall'));
  for (const x of [wa, wb, wc]) freeF32(x);
  return { shape, ref, js, copy1, wasm1, wasm2 };
}

function runPeer(shapes: Shape[], budget: number): { version: string; results: Record<string, Record<string, number>> } | string {
  const py = python();
  if (py === undefined) return 'skipped: /usr/bin/python3 not found';
  const script = join(dirname(fileURLToPath(import.meta.url)), 'peers', 'matmul.py');
  try {
    const out = execFileSync(py, [script, JSON.stringify(shapes), String(budget)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const parsed = JSON.parse(out) as { error?: string; torch?: string; results?: Record<string, Record<string, number>> };
    if (parsed.error !== undefined) return `skipped: ${parsed.error}`;
    return { version: parsed.torch ?? '?', results: parsed.results ?? {} };
  } catch (err) {
    return `skipped: the PyTorch peer failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
}

/** Microseconds per call of the vector kernels: the JS loop, WASM on ordinary arrays (staged), WASM on resident ones. */
function vectorRows(budget: number): (string | number)[][] {
  const n = 100_000, rows = 20_000, dim = 64;
  const x = random(n), y = random(n), o = new Float32Array(n);
  const wx = allocF32(n), wy = allocF32(n), wo = allocF32(n);
  wx.set(x);
  wy.set(y);
  const items = random(rows * dim), u = random(dim), scores = new Float32Array(rows);
  const witems = allocF32(rows * dim);
  witems.set(items);
  const us = (fn: () => void): string => (time(fn, budget) * 1e6).toFixed(1);
  const out = [
    [`add (n = ${n})`, us(() => addRef(x, y, o)), us(() => add(x, y, o)), us(() => add(wx, wy, wo))],
    [`axpy (n = ${n})`, us(() => axpyRef(0.5, x, o)), us(() => axpy(0.5, x, o)), us(() => axpy(0.5, wx, wo))],
    [`dot (n = ${n})`, us(() => dotRef(x, y)), us(() => dot(x, y)), us(() => dot(wx, wy))],
    [`max (n = ${n})`, us(() => maxRef(x)), us(() => max(x)), us(() => max(wx))],
    [`scoreItems (${rows}×${dim})`, us(() => scoreItemsRef(items, dim, u, scores)), us(() => scoreItems(items, dim, u, scores)),
      us(() => scoreItems(witems, dim, u, scores))],
  ];
  for (const v of [wx, wy, wo, witems]) freeF32(v);
  return out;
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const budget = quick ? 0.15 : 0.5;
  const sizesAt = args.indexOf('--sizes');
  const squares = sizesAt >= 0 ? args[sizesAt + 1]!.split(',').map(Number) : SQUARES;
  const shapes: Shape[] = [
    ...squares.map((s) => ({ name: `${s}² (NN)`, m: s, n: s, k: s, transA: false, transB: false })),
    ...(sizesAt >= 0 ? [] : SKINNY),
  ];
  const before = configureGemm();
  const rows: Row[] = [];
  const usePeer = !args.includes('--no-peer');
  let peer: string | { version: string } = usePeer ? 'not run' : 'skipped: --no-peer';
  let peerFailed = false;
  for (const shape of shapes) {
    const row = measure(shape, budget);
    // The peer runs right after ours, shape by shape, so both see the same load on a shared machine.
    if (usePeer && !peerFailed) {
      const got = runPeer([shape], budget);
      if (typeof got === 'string') {
        peer = got;
        peerFailed = true;
      } else {
        peer = { version: got.version };
        row.torch1 = got.results[shape.name]?.['1'];
        row.torch2 = got.results[shape.name]?.['2'];
      }
    }
    rows.push(row);
    process.stderr.write(`measured ${shape.name}\n`);
  }
  configureGemm(before);
  const f = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(v < 10 ? 2 : 1));
  const ratio = (x: number | undefined, y: number | undefined): string => (x === undefined || y === undefined ? '–' : `${(x / y).toFixed(2)}×`);
  console.log('## Matmul kernels\n');
  console.log(`Machine: ${machineLine()}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; kernels: ${kernelsBackend}; ${typeof peer === 'string' ? `PyTorch ${peer}` : `PyTorch ${peer.version}`}\n`);
  console.log('GFLOP/s (2·m·n·k / best of five timed batches), float32, row-major; 1-thread columns timed in process CPU time,');
  console.log('2-thread columns in wall time. "copy" passes ordinary Float32Arrays (copied into WASM memory and back on every');
  console.log('call); the other WASM columns pass arrays from allocF32. Ratios: ours ÷ PyTorch, same thread count.\n');
  console.log(table(
    ['shape', 'ref TS', 'TS fallback', 'WASM 1t copy', 'WASM 1t', 'WASM 2t', 'torch 1t', 'torch 2t', '1t ratio', '2t ratio'],
    rows.map((r) => [r.shape.name, f(r.ref), f(r.js), f(r.copy1), f(r.wasm1), f(r.wasm2), f(r.torch1), f(r.torch2),
      ratio(r.wasm1, r.torch1), ratio(r.wasm2, r.torch2)]),
  ));
  if (kernelsBackend === 'wasm-simd' && sizesAt < 0) {
    console.log('\nVector kernels, µs of CPU per call (best of five batches): the plain loop, WASM on ordinary arrays (copied in');
    console.log('and out through the staging block), WASM on arrays from allocF32.\n');
    console.log(table(['op', 'JS loop', 'WASM (copy)', 'WASM (resident)'], vectorRows(budget)));
  }
}
