/**
 * @module Tensor over Float32Array and the tape of reverse-mode automatic differentiation.
 *
 * Every op that sees an input with `requiresGrad` (while gradients are enabled) records a node: the output keeps
 * its parents and a closure that, given `out.grad`, adds ∂loss/∂input into each parent's `grad` buffer.
 * `backward()` orders the recorded graph topologically (iterative DFS, so long recurrent graphs do not overflow
 * the stack) and runs the closures from the output back to the leaves. Gradients accumulate (`+=`) as in PyTorch;
 * call `zeroGrad()` (or an optimizer's) between steps. Parameter gradient buffers are kept and reused.
 */
import { createError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { allocManagedF32, axpy } from '../math/kernels.js';

/** Row gradients of a sparse (embedding) parameter: `rows` holds `ids.length` rows of `width` values. */
export interface SparseRows {
  ids: Int32Array;
  rows: Float32Array;
}

let gradEnabled = true;

/** True unless inside `noGrad`. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording the autograd graph (inference, evaluation, optimizer updates).
 * @example const logits = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  readonly size: number;
  requiresGrad: boolean;
  /** Dense gradient, allocated on first use and then reused. */
  grad: Float32Array | null = null;
  /** When true (embedding tables), lookups record row gradients in `sparseGrad` instead of a dense `grad`. */
  sparse = false;
  /** Touched rows and their gradients since the last `zeroGrad` (for lazy / sparse Adam). */
  sparseGrad: SparseRows[] = [];
  /** @internal Inputs of the op that produced this tensor. */
  parents: Tensor[] = [];
  /** @internal Adds this tensor's grad into its parents' grads. */
  backwardFn: (() => void) | null = null;
  /** @internal Frees what the op kept for backward, once the graph is released (see `onRelease`). */
  releaseFn: (() => void) | null = null;

  constructor(data: Float32Array, shape: readonly number[], requiresGrad = false) {
    const n = sizeOf(shape);
    if (n !== data.length) {
      throw createError('SHAPE_MISMATCH', { op: 'tensor', problem: `shape [${shape.join(', ')}] needs ${n} values, got ${data.length}` });
    }
    this.data = data;
    this.shape = shape.slice();
    this.size = n;
    this.requiresGrad = requiresGrad;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw createError('SHAPE_MISMATCH', { op: 'item', problem: `expected one value, tensor has ${this.size}` });
    return this.data[0]!;
  }

  /**
   * The gradient buffer, allocated (zero) if absent: from the recycled pool for intermediate tensors; for large
   * leaves (parameters) in WASM memory, so the SIMD kernels and optimizers use it without copies.
   */
  ensureGrad(): Float32Array {
    if (this.grad === null) this.grad = this.backwardFn !== null ? takeBuffer(this.size) : this.size >= POOL_MIN ? allocManagedF32(this.size) : new Float32Array(this.size);
    return this.grad;
  }

  /**
   * @internal Adds `g` into this tensor's gradient. An intermediate tensor without a gradient yet adopts `g` itself
   * (no copy): the caller's output gradient is no longer needed once its backward closure runs.
   */
  accumulateGrad(g: Float32Array): void {
    if (this.grad === null && this.backwardFn !== null && g.length === this.size) {
      this.grad = g;
      return;
    }
    axpy(1, g, this.ensureGrad());
  }

  zeroGrad(): void {
    if (this.grad !== null) this.grad.fill(0);
    this.sparseGrad = [];
  }

  /** A tensor sharing this data but cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /** A copy of the values in nested arrays is not offered: read `data` and `shape` directly. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /**
   * Reverse-mode sweep from this tensor. With no seed the tensor must be a scalar and the seed is 1.
   * The graph is released afterwards (intermediate closures dropped) unless `retainGraph`.
   */
  backward(seed?: Float32Array, retainGraph = false): void {
    if (seed === undefined && this.size !== 1) {
      throw createError('SHAPE_MISMATCH', { op: 'backward', problem: `needs a scalar loss or an explicit seed, tensor has shape [${this.shape.join(', ')}]` });
    }
    const order = topoOrder(this);
    const g = this.ensureGrad();
    if (seed === undefined) g[0] = g[0]! + 1;
    else for (let i = 0; i < g.length; i++) g[i] = g[i]! + seed[i]!;
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i]!;
      if (node.backwardFn !== null && node.grad !== null) node.backwardFn();
    }
    if (!retainGraph) {
      // Like PyTorch, intermediate (non-leaf) tensors do not keep their gradients: their buffers go back to the
      // pool for the next step (fresh large typed arrays cost page faults and garbage collections). Buffers that
      // a leaf shares (through reshape) are kept.
      const keep = new Set<Float32Array>();
      for (const node of order) if (node.backwardFn === null && node.grad !== null) keep.add(node.grad);
      if (this.grad !== null) keep.add(this.grad);
      const released = new Set<Float32Array>();
      for (const node of order) {
        if (node.backwardFn !== null) {
          node.backwardFn = null;
          node.parents = [];
          if (node.releaseFn !== null) {
            node.releaseFn();
            node.releaseFn = null;
          }
          const g = node.grad;
          if (g !== null && node !== this) {
            node.grad = null;
            if (!keep.has(g) && !released.has(g) && g !== this.grad) {
              released.add(g);
              giveBuffer(g);
            }
          }
        }
      }
    }
  }
}

// ------------------------------------------------------------------------------------ recycled grad buffers

const pool = new Map<number, Float32Array[]>();
/** Buffers this pool handed out (only those come back to it). */
const pooled = new WeakSet<Float32Array>();
/** Buffers kept per length: enough for the intermediate gradients of one step of a deep model. */
const POOL_PER_SIZE = 64;
/** Smaller buffers are cheap to allocate and not worth pooling. */
const POOL_MIN = 4096;

/**
 * A zeroed buffer of n floats for an intermediate gradient. Pooled buffers live in WASM memory (managed: a buffer
 * that never comes back, e.g. kept by `retainGraph`, is freed when collected), so the kernels take them in place.
 */
function takeBuffer(n: number): Float32Array {
  if (n < POOL_MIN) return new Float32Array(n);
  const b = pool.get(n)?.pop();
  if (b !== undefined) {
    b.fill(0);
    return b;
  }
  const fresh = allocManagedF32(n);
  pooled.add(fresh);
  return fresh;
}

function giveBuffer(b: Float32Array): void {
  if (!pooled.has(b)) return;
  const n = b.length;
  let list = pool.get(n);
  if (list === undefined) pool.set(n, (list = []));
  if (list.length < POOL_PER_SIZE) list.push(b);
}

/** Nodes reachable from `root` in topological order (parents before children). */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Array<[Tensor, number]> = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.parents.length) {
      top[1] = i + 1;
      const p = node.parents[i]!;
      if (!visited.has(p) && p.requiresGrad) {
        visited.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

/**
 * @internal Records `out` as produced from `parents` if any parent needs a gradient and recording is on.
 * Returns true when recorded (then the op should keep what its backward needs).
 */
export function record(out: Tensor, parents: Tensor[], backwardFn: () => void): boolean {
  if (!gradEnabled) return false;
  let any = false;
  for (const p of parents) if (p.requiresGrad) any = true;
  if (!any) return false;
  out.requiresGrad = true;
  out.parents = parents;
  out.backwardFn = backwardFn;
  return true;
}

/**
 * @internal Runs `fn` when `backward` releases the graph through `out` (not with retainGraph): an op frees the
 * WASM buffers it kept for backward there. If backward never runs they are freed when garbage-collected.
 */
export function onRelease(out: Tensor, fn: () => void): void {
  out.releaseFn = fn;
}

/** @internal True when an op's output will be recorded (lets ops skip saving forward state otherwise). */
export function willRecord(...inputs: Tensor[]): boolean {
  if (!gradEnabled) return false;
  for (const p of inputs) if (p.requiresGrad) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------- factories

export interface TensorOptions {
  requiresGrad?: boolean;
}

/** A tensor from values (copied into a Float32Array) and a shape (default: 1-D). */
export function tensor(values: ArrayLike<number>, shape?: readonly number[], options: TensorOptions = {}): Tensor {
  const data = Float32Array.from(values as ArrayLike<number>);
  return new Tensor(data, shape ?? [data.length], options.requiresGrad ?? false);
}

export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)), shape, options.requiresGrad ?? false);
}

export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape, options.requiresGrad ?? false);
}

export function scalar(value: number, options: TensorOptions = {}): Tensor {
  return new Tensor(Float32Array.of(value), [], options.requiresGrad ?? false);
}

/** Normal(mean, std²) values drawn from `rng`. */
export function randn(shape: readonly number[], rng: Rng, std = 1, mean = 0, options: TensorOptions = {}): Tensor {
  const t = zeros(shape, options);
  for (let i = 0; i < t.size; i++) t.data[i] = mean + std * rng.normal();
  return t;
}

/** Uniform(lo, hi) values drawn from `rng`. */
export function uniform(shape: readonly number[], rng: Rng, lo: number, hi: number, options: TensorOptions = {}): Tensor {
  const t = zeros(shape, options);
  const w = hi - lo;
  for (let i = 0; i < t.size; i++) t.data[i] = lo + w * rng.next();
  return t;
}
