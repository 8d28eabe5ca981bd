/**
 * @module Multinomial logistic regression with the loss and gradient split across threads: the main thread takes
 * the first rows, each worker a later slice, and each L-BFGS evaluation is a blocking hand-off (Atomics.notify /
 * Atomics.wait), so the optimiser stays the same synchronous code as `fitLogisticRegression`. Up to four classes
 * the threads run the WebAssembly kernel over one shared memory (logistic-loss-wasm.ts); otherwise X, labels and
 * weights live in SharedArrayBuffers and the threads run `logisticLossGrad`. Results equal the single-thread fit
 * up to summation order.
 */
import { Worker } from 'node:worker_threads';
import type { Csr } from '../math/csr.js';
import { createError } from '../core/errors.js';
import { lbfgs } from './lbfgs.js';
import {
  classWeights, fitLogisticRegression, fitResult, lbfgsOptions, logisticLossGrad, rowWeights, wasmEngine,
  type LogisticFit, type LogisticRegressionConfig,
} from './logistic-regression.js';

export interface ParallelLogisticConfig extends LogisticRegressionConfig {
  /** Threads including this one, default 2. 1 falls back to the single-thread fit. */
  threads?: number;
}

// Worker: waits for a new generation in ctrl[0], computes its rows' loss and gradient (no penalty), reports the
// generation in ctrl[1]. ctrl[2] = 1 stops it. `__name` guards against keep-names helpers of transpilers.
const WORKER_SOURCE = `
const { parentPort, workerData: d } = require('node:worker_threads');
var __name = (f) => f;
const lossGrad = (${logisticLossGrad.toString()});
const X = { rows: d.rows, cols: d.cols, indptr: new Int32Array(d.indptr), indices: new Int32Array(d.indices), data: new Float32Array(d.data) };
const y = new Int32Array(d.y), w = new Float64Array(d.w), params = new Float64Array(d.params), grad = new Float64Array(d.grad);
const ctrl = new Int32Array(d.ctrl), out = new Float64Array(d.out);
parentPort.postMessage('ready');
let gen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, gen);
  gen = Atomics.load(ctrl, 0);
  if (Atomics.load(ctrl, 2) === 1) break;
  out[d.slot] = lossGrad(X, y, d.K, w, d.S, d.C, params, grad, d.from, d.to, false);
  Atomics.add(ctrl, 1, 1);
  Atomics.notify(ctrl, 1);
}
`;

function toShared<T extends Int32Array | Float32Array | Float64Array>(a: T): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(sab).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return sab;
}

/**
 * Fits multinomial logistic regression on `threads` threads (same objective and result as fitLogisticRegression).
 * @example const m = await fitLogisticRegressionParallel(X, y, 3, { classWeight: 'balanced', threads: 2 });
 */
export async function fitLogisticRegressionParallel(
  X: Csr, y: ArrayLike<number>, nClasses: number, config: ParallelLogisticConfig = {},
): Promise<LogisticFit> {
  const threads = Math.max(1, config.threads ?? 2);
  if (threads === 1 || X.rows < 2 * threads) return fitLogisticRegression(X, y, nClasses, config);
  if (y.length !== X.rows) throw createError('SHAPE_MISMATCH', { op: 'logistic regression', problem: `${X.rows} rows but ${y.length} labels` });
  const K = nClasses, D = X.cols, P = D * K + K;
  const C = config.C ?? 1;
  const yi = Int32Array.from(y);
  for (let i = 0; i < yi.length; i++) {
    if (!(yi[i]! >= 0 && yi[i]! < K)) throw createError('INVALID_INPUT', { field: `labels[${i}]`, problem: `expected a class index in [0, ${K}), got ${yi[i]}` });
  }
  const { w, S } = rowWeights(yi, classWeights(yi, K, config.classWeight));
  const fitIntercept = config.fitIntercept ?? true;
  const wasm = wasmEngine(config.backend, X, yi, K, w, S, C, fitIntercept, threads);
  if (wasm) {
    try {
      await wasm.ready;
      return fitResult(lbfgs(wasm.engine.evaluate, new Float64Array(P), lbfgsOptions(config)), D, K, 'wasm-simd');
    } finally {
      await wasm.engine.close();
    }
  }
  // Split rows so each thread gets about the same number of non-zeros.
  const nnzTotal = X.indptr[X.rows]!;
  const bounds = [0];
  for (let t = 1; t < threads; t++) {
    let r = bounds[t - 1]!;
    while (r < X.rows && X.indptr[r]! < (t * nnzTotal) / threads) r++;
    bounds.push(r);
  }
  bounds.push(X.rows);
  const shared = {
    rows: X.rows, cols: D, indptr: toShared(X.indptr), indices: toShared(X.indices), data: toShared(X.data),
    y: toShared(yi), w: toShared(w), K, S, C,
  };
  const paramsBuf = new SharedArrayBuffer(P * 8);
  const params = new Float64Array(paramsBuf);
  const ctrlBuf = new SharedArrayBuffer(12);
  const ctrl = new Int32Array(ctrlBuf);
  const outBuf = new SharedArrayBuffer(threads * 8);
  const out = new Float64Array(outBuf);
  const grads: Float64Array[] = [];
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  for (let t = 1; t < threads; t++) {
    const gradBuf = new SharedArrayBuffer(P * 8);
    grads.push(new Float64Array(gradBuf));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ...shared, params: paramsBuf, grad: gradBuf, ctrl: ctrlBuf, out: outBuf, slot: t, from: bounds[t], to: bounds[t + 1] },
    });
    workers.push(worker);
    ready.push(new Promise((res, rej) => {
      worker.once('message', () => res());
      worker.once('error', rej);
    }));
  }
  try {
    await Promise.all(ready);
    let gen = 0;
    const objective = (x: Float64Array, grad: Float64Array): number => {
      params.set(x);
      Atomics.store(ctrl, 1, 0);
      gen++;
      Atomics.store(ctrl, 0, gen);
      Atomics.notify(ctrl, 0);
      let f = logisticLossGrad(X, yi, K, w, S, C, x, grad, 0, bounds[1]!, true);
      for (;;) {
        const done = Atomics.load(ctrl, 1);
        if (done === threads - 1) break;
        Atomics.wait(ctrl, 1, done, 1000);
      }
      for (let t = 1; t < threads; t++) {
        f += out[t]!;
        const g = grads[t - 1]!;
        for (let j = 0; j < P; j++) grad[j]! += g[j]!;
      }
      if (!fitIntercept) grad.fill(0, D * K);
      return f;
    };
    return fitResult(lbfgs(objective, new Float64Array(P), lbfgsOptions(config)), D, K, 'js');
  } finally {
    Atomics.store(ctrl, 2, 1);
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
    await Promise.all(workers.map((wk) => wk.terminate()));
  }
}
