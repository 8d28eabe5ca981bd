/**
 * @module The source of a GEMM worker thread, as a string run with `new Worker(src, { eval: true })`, so the
 * same code works under tsx, vitest and the compiled dist/ without resolving a .ts/.js worker file.
 *
 * Protocol over an Int32Array `ctl` on a SharedArrayBuffer (indices in gemm-pool.ts):
 * the main thread fills this worker's slot, bumps ctl[SEQ] and notifies; the worker runs its slot, adds one to
 * ctl[DONE] and notifies back. ctl[STOP] = 1 with a SEQ bump ends the loop.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, ctl: buffer, slot, layout } = workerData;
const ctl = new Int32Array(buffer);
const f32 = new Float32Array(buffer);
let kernels = null;
try {
  kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
} catch (err) {
  kernels = null;
}
const base = layout.SLOTS + slot * layout.SLOT_SIZE;
let seen = 0;
for (;;) {
  Atomics.wait(ctl, layout.SEQ, seen);
  seen = Atomics.load(ctl, layout.SEQ);
  if (Atomics.load(ctl, layout.STOP) === 1) break;
  try {
    if (kernels === null) throw new Error('worker could not instantiate the kernels');
    if (ctl[base] === 1) {
      // A batch of products: operand pointers advance by their byte strides (0 = shared operand).
      const count = ctl[base + 15];
      for (let i = 0; i < count; i++) {
        kernels.gemm(
          ctl[base + 1], ctl[base + 2], ctl[base + 3], ctl[base + 4], ctl[base + 5], f32[base + 6],
          ctl[base + 7] + i * ctl[base + 16], ctl[base + 8], ctl[base + 9] + i * ctl[base + 17], ctl[base + 10],
          f32[base + 11], ctl[base + 12] + i * ctl[base + 18], ctl[base + 13], ctl[base + 14],
        );
      }
    }
  } catch (err) {
    Atomics.store(ctl, layout.FAILED, 1);
  }
  Atomics.add(ctl, layout.DONE, 1);
  Atomics.notify(ctl, layout.DONE);
}
`;
