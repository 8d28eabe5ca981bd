/**
 * @module Parallel half-iterations of iALS: worker threads share the factor matrices and both orientations of
 * the confidence matrix through SharedArrayBuffers and pull chunks of rows from an atomic counter (dynamic
 * scheduling, like OpenMP's `schedule(guided)` in implicit), while the calling thread works too.
 *
 * Synchronisation is by Atomics only: the caller bumps a generation counter to start a half-iteration and
 * waits until every worker has bumped the done counter. The kernel's source is shipped with `eval`, so the
 * same code runs under tsx, vitest and the compiled build.
 */
import { Worker } from 'node:worker_threads';
import type { Csr } from '../../math/csr.js';
import { cgSolveRows } from './ials-kernel.js';

/** Rows a thread claims at a time: small enough to balance skewed rows, large enough to keep atomics rare. */
const CHUNK = 32;

/** Control words in the shared Int32Array. */
const GEN = 0, PHASE = 1, NEXT = 2, DONE = 3, STOP = 4;

/** A confidence matrix in shared memory. */
export interface SharedCsr {
  rows: number;
  indptr: Int32Array;
  indices: Int32Array;
  conf: Float32Array;
}

export interface IalsShared {
  f: number;
  steps: number;
  /** users × items confidences, and its transpose. */
  byUser: SharedCsr;
  byItem: SharedCsr;
  /** User factors (nUsers × f) and item factors (nItems × f). */
  x: Float32Array;
  y: Float32Array;
  /** YᵀY + λI (or XᵀX + λI) for the half-iteration in progress. */
  gram: Float32Array;
}

function sharedCopy<T extends Int32Array | Float32Array>(a: T): T {
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(Math.max(a.byteLength, 4)));
  out.set(a as never);
  return a.length === out.length ? out : (out.subarray(0, a.length) as T);
}

/** Copies a CSR (with its values already turned into confidences) into shared memory. */
export function shareCsr(m: Csr, conf: Float32Array): SharedCsr {
  return { rows: m.rows, indptr: sharedCopy(m.indptr), indices: sharedCopy(m.indices), conf: sharedCopy(conf) };
}

/** A Float32Array of n zeros in shared memory. */
export function sharedF32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(4 * n, 4))).subarray(0, n);
}

/** Body of a worker and of the caller's share: claim chunks until none remain. */
function runPhase(ctrl: Int32Array, s: IalsShared, scratch: Float64Array): void {
  const phase = Atomics.load(ctrl, PHASE);
  const m = phase === 0 ? s.byUser : s.byItem;
  const target = phase === 0 ? s.x : s.y;
  const fixed = phase === 0 ? s.y : s.x;
  for (;;) {
    const start = Atomics.add(ctrl, NEXT, CHUNK);
    if (start >= m.rows) break;
    cgSolveRows(m.indptr, m.indices, m.conf, target, fixed, s.gram, s.f, s.steps, start, Math.min(start + CHUNK, m.rows), scratch);
  }
}

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const cgSolveRows = ${cgSolveRows.toString()};
const GEN = ${GEN}, PHASE = ${PHASE}, NEXT = ${NEXT}, DONE = ${DONE}, STOP = ${STOP}, CHUNK = ${CHUNK};
// Same as runPhase in ials-pool.ts (written out: a transpiled function may refer to renamed imports).
function runPhase(ctrl, s, scratch) {
  const phase = Atomics.load(ctrl, PHASE);
  const m = phase === 0 ? s.byUser : s.byItem;
  const target = phase === 0 ? s.x : s.y;
  const fixed = phase === 0 ? s.y : s.x;
  for (;;) {
    const start = Atomics.add(ctrl, NEXT, CHUNK);
    if (start >= m.rows) break;
    cgSolveRows(m.indptr, m.indices, m.conf, target, fixed, s.gram, s.f, s.steps, start, Math.min(start + CHUNK, m.rows), scratch);
  }
}
const { ctrl, shared } = workerData;
const scratch = new Float64Array(4 * shared.f);
let gen = 0;
parentPort.postMessage('ready');
for (;;) {
  Atomics.wait(ctrl, GEN, gen);
  gen = Atomics.load(ctrl, GEN);
  if (Atomics.load(ctrl, STOP)) break;
  runPhase(ctrl, shared, scratch);
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}
`;

/** A set of worker threads bound to one fit's shared arrays. */
export interface IalsPool {
  /** Solves every row of X (phase 0: users, given Y) or Y (phase 1: items, given X) with `gram` already set. */
  half(phase: 0 | 1): void;
  close(): Promise<void>;
}

/** Starts `threads − 1` workers (the caller is the last thread) over the shared arrays. */
export async function createIalsPool(shared: IalsShared, threads: number): Promise<IalsPool> {
  const ctrl = new Int32Array(new SharedArrayBuffer(8 * 4));
  const scratch = new Float64Array(4 * shared.f);
  const workers: Worker[] = [];
  try {
    for (let t = 1; t < threads; t++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { ctrl, shared } });
      workers.push(w);
      await new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      });
    }
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  const n = workers.length;
  return {
    half(phase) {
      Atomics.store(ctrl, PHASE, phase);
      Atomics.store(ctrl, NEXT, 0);
      Atomics.store(ctrl, DONE, 0);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      runPhase(ctrl, shared, scratch);
      for (;;) {
        const done = Atomics.load(ctrl, DONE);
        if (done >= n) break;
        Atomics.wait(ctrl, DONE, done);
      }
    },
    async close() {
      Atomics.store(ctrl, STOP, 1);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
