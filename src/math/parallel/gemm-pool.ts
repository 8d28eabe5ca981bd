/**
 * @module A persistent pool of worker threads that run the WASM GEMM on row (or column) blocks of one product.
 *
 * Every worker instantiates the same compiled module on the same shared memory, so operands are never copied
 * between threads: the main thread posts pointers through a small SharedArrayBuffer, runs its own block, and
 * waits with `Atomics.wait` for the others (training is synchronous, so blocking the caller is the point).
 * Workers sleep in `Atomics.wait` between products and are `unref`'d: they never keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import type { WasmKernels } from '../wasm/module.js';
import { WORKER_SOURCE } from './worker-source.js';

/** Indices into the control Int32Array. */
const LAYOUT = { SEQ: 0, DONE: 1, FAILED: 2, STOP: 3, SLOTS: 16, SLOT_SIZE: 20 } as const;

/**
 * One block of work, in the argument order of the WASM `gemm` export (pointers are byte offsets), optionally
 * repeated `count` times with the pointers advanced by byte strides (a slice of a batched product).
 */
export interface GemmBlock {
  transA: number; transB: number; m: number; n: number; k: number; alpha: number;
  a: number; lda: number; b: number; ldb: number; beta: number; c: number; ldc: number;
  /** Products in this block (default 1). */
  count?: number;
  /** Byte strides between consecutive products' operands (0: the operand is shared). */
  strideA?: number; strideB?: number; strideC?: number;
}

export interface GemmPool {
  /** Threads that work on one product, counting the calling thread. */
  readonly threads: number;
  /** Runs blocks[0] on the calling thread and blocks[i] on worker i − 1; returns when all are done. */
  run(blocks: readonly GemmBlock[]): void;
  /** Stops the workers (the pool is unusable afterwards). */
  close(): Promise<void>;
}

export interface GemmPoolConfig {
  /** Worker threads to start (the caller is one more thread). */
  workers: number;
}

export function createGemmPool(kernels: WasmKernels, config: GemmPoolConfig): GemmPool {
  const { exports, heap, module, memory } = kernels;
  const ctlBuffer = new SharedArrayBuffer((LAYOUT.SLOTS + config.workers * LAYOUT.SLOT_SIZE) * 4);
  const ctl = new Int32Array(ctlBuffer);
  const f32 = new Float32Array(ctlBuffer);
  const scratchFloats = exports.gemmScratchFloats();
  const mainScratch = heap.allocF32(scratchFloats);
  const workerScratch: Float32Array[] = [];
  const workers: Worker[] = [];
  for (let slot = 0; slot < config.workers; slot++) {
    workerScratch.push(heap.allocF32(scratchFloats));
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctl: ctlBuffer, slot, layout: LAYOUT } });
    worker.unref();
    workers.push(worker);
  }
  let broken = false;

  function runHere(block: GemmBlock, scratch: number): void {
    const count = block.count ?? 1;
    const sa = block.strideA ?? 0, sb = block.strideB ?? 0, sc = block.strideC ?? 0;
    for (let i = 0; i < count; i++) {
      exports.gemm(block.transA, block.transB, block.m, block.n, block.k, block.alpha, block.a + i * sa, block.lda,
        block.b + i * sb, block.ldb, block.beta, block.c + i * sc, block.ldc, scratch);
    }
  }

  return {
    threads: config.workers + 1,
    run(blocks) {
      if (broken || workers.length === 0) {
        for (const block of blocks) runHere(block, mainScratch.byteOffset);
        return;
      }
      for (let w = 0; w < workers.length; w++) {
        const base = LAYOUT.SLOTS + w * LAYOUT.SLOT_SIZE;
        const block = blocks[w + 1];
        ctl[base] = block === undefined ? 0 : 1;
        if (block === undefined) continue;
        ctl[base + 1] = block.transA; ctl[base + 2] = block.transB;
        ctl[base + 3] = block.m; ctl[base + 4] = block.n; ctl[base + 5] = block.k; f32[base + 6] = block.alpha;
        ctl[base + 7] = block.a; ctl[base + 8] = block.lda; ctl[base + 9] = block.b; ctl[base + 10] = block.ldb;
        f32[base + 11] = block.beta; ctl[base + 12] = block.c; ctl[base + 13] = block.ldc;
        ctl[base + 14] = workerScratch[w]!.byteOffset;
        ctl[base + 15] = block.count ?? 1;
        ctl[base + 16] = block.strideA ?? 0; ctl[base + 17] = block.strideB ?? 0; ctl[base + 18] = block.strideC ?? 0;
      }
      Atomics.store(ctl, LAYOUT.DONE, 0);
      Atomics.add(ctl, LAYOUT.SEQ, 1);
      Atomics.notify(ctl, LAYOUT.SEQ);
      if (blocks[0] !== undefined) runHere(blocks[0], mainScratch.byteOffset);
      for (let done = Atomics.load(ctl, LAYOUT.DONE); done < workers.length; done = Atomics.load(ctl, LAYOUT.DONE)) {
        Atomics.wait(ctl, LAYOUT.DONE, done);
      }
      if (Atomics.load(ctl, LAYOUT.FAILED) === 1) {
        // A worker could not run its block: redo every worker block here and stop using the pool.
        broken = true;
        for (let i = 1; i < blocks.length; i++) runHere(blocks[i]!, mainScratch.byteOffset);
      }
    },
    async close() {
      Atomics.store(ctl, LAYOUT.STOP, 1);
      Atomics.add(ctl, LAYOUT.SEQ, 1);
      Atomics.notify(ctl, LAYOUT.SEQ);
      await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
      })));
      workers.length = 0;
      heap.free(mainScratch);
      for (const s of workerScratch) heap.free(s);
    },
  };
}
