/**
 * @module Elementwise arithmetic with broadcasting: add, sub, mul, div, and scalar forms.
 *
 * Same-shape inputs run the SIMD vector kernels; other shapes go through a cached broadcast index map. Backward reduces
 * the gradient over broadcast axes by accumulating through the same map.
 */
import { add as addInto, axpy, mul as mulInto, sub as subInto } from '../../math/kernels.js';
import { mulAccumulate } from '../../math/nn-kernels.js';
import { Tensor, record } from '../tensor.js';
import { broadcastIndex, broadcastShape, sameShape } from './broadcast.js';

type BinaryKind = 0 | 1 | 2 | 3; // add, sub, mul, div
const NAMES = ['add', 'sub', 'mul', 'div'] as const;

function binary(a: Tensor, b: Tensor, kind: BinaryKind): Tensor {
  const same = sameShape(a.shape, b.shape);
  const shape = same ? a.shape.slice() : broadcastShape(a.shape, b.shape, NAMES[kind]);
  const out = new Tensor(new Float32Array(sizeFromShape(shape)), shape);
  const o = out.data, x = a.data, y = b.data, n = out.size;
  const ia = same ? null : broadcastIndex(a.shape, shape);
  const ib = same ? null : broadcastIndex(b.shape, shape);
  if (ia === null || ib === null) {
    // Same shapes: the vector kernels (exactly rounded, so the result does not depend on which path runs).
    if (kind === 0) addInto(x, y, o);
    else if (kind === 1) subInto(x, y, o);
    else if (kind === 2) mulInto(x, y, o);
    else for (let i = 0; i < n; i++) o[i] = x[i]! / y[i]!;
  } else {
    if (kind === 0) for (let i = 0; i < n; i++) o[i] = x[ia[i]!]! + y[ib[i]!]!;
    else if (kind === 1) for (let i = 0; i < n; i++) o[i] = x[ia[i]!]! - y[ib[i]!]!;
    else if (kind === 2) for (let i = 0; i < n; i++) o[i] = x[ia[i]!]! * y[ib[i]!]!;
    else for (let i = 0; i < n; i++) o[i] = x[ia[i]!]! / y[ib[i]!]!;
  }
  const backB = (g: Float32Array): void => {
    const gb = b.ensureGrad();
    if (ib === null) {
      if (kind === 0) axpy(1, g, gb);
      else if (kind === 1) axpy(-1, g, gb);
      else if (kind === 2) mulAccumulate(g, x, gb);
      else for (let i = 0; i < n; i++) gb[i] = gb[i]! - (g[i]! * x[i]!) / (y[i]! * y[i]!);
    } else {
      const ja = ia!;
      if (kind === 0) for (let i = 0; i < n; i++) gb[ib[i]!] = gb[ib[i]!]! + g[i]!;
      else if (kind === 1) for (let i = 0; i < n; i++) gb[ib[i]!] = gb[ib[i]!]! - g[i]!;
      else if (kind === 2) for (let i = 0; i < n; i++) gb[ib[i]!] = gb[ib[i]!]! + g[i]! * x[ja[i]!]!;
      else for (let i = 0; i < n; i++) {
        const yv = y[ib[i]!]!;
        gb[ib[i]!] = gb[ib[i]!]! - (g[i]! * x[ja[i]!]!) / (yv * yv);
      }
    }
  };
  record(out, [a, b], () => {
    const g = out.grad!;
    // b first: for add / sub, a may then adopt g's buffer (b === a reads g before that).
    if (b.requiresGrad) backB(g);
    if (a.requiresGrad) {
      if (ia === null && kind <= 1 && a !== b) {
        a.accumulateGrad(g);
        return;
      }
      const ga = a.ensureGrad();
      if (ia === null) {
        if (kind <= 1) axpy(1, g, ga);
        else if (kind === 2) mulAccumulate(g, y, ga);
        else for (let i = 0; i < n; i++) ga[i] = ga[i]! + g[i]! / y[i]!;
      } else {
        const jb = ib!;
        if (kind <= 1) for (let i = 0; i < n; i++) ga[ia[i]!] = ga[ia[i]!]! + g[i]!;
        else if (kind === 2) for (let i = 0; i < n; i++) ga[ia[i]!] = ga[ia[i]!]! + g[i]! * y[jb[i]!]!;
        else for (let i = 0; i < n; i++) ga[ia[i]!] = ga[ia[i]!]! + g[i]! / y[jb[i]!]!;
      }
    }
  });
  return out;
}

function sizeFromShape(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/** a + b with broadcasting. */
export function add(a: Tensor, b: Tensor): Tensor {
  return binary(a, b, 0);
}
/** a − b with broadcasting. */
export function sub(a: Tensor, b: Tensor): Tensor {
  return binary(a, b, 1);
}
/** a ⊙ b with broadcasting. */
export function mul(a: Tensor, b: Tensor): Tensor {
  return binary(a, b, 2);
}
/** a / b with broadcasting. */
export function div(a: Tensor, b: Tensor): Tensor {
  return binary(a, b, 3);
}

/** s · x + c (scalars). */
export function affine(x: Tensor, s: number, c = 0): Tensor {
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const o = out.data, d = x.data;
  for (let i = 0; i < o.length; i++) o[i] = s * d[i]! + c;
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + s * g[i]!;
  });
  return out;
}

/** s · x. */
export function scale(x: Tensor, s: number): Tensor {
  return affine(x, s, 0);
}
/** x + c. */
export function addScalar(x: Tensor, c: number): Tensor {
  return affine(x, 1, c);
}
/** −x. */
export function neg(x: Tensor): Tensor {
  return affine(x, -1, 0);
}

/** x². */
export function square(x: Tensor): Tensor {
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const o = out.data, d = x.data;
  for (let i = 0; i < o.length; i++) o[i] = d[i]! * d[i]!;
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + 2 * d[i]! * g[i]!;
  });
  return out;
}
