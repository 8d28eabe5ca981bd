import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { isResonateError } from '../core/errors.js';
import { Mlp } from './layers/mlp.js';
import { add, mul } from './ops/arithmetic.js';
import { tanh } from './ops/activation.js';
import { reshape } from './ops/shape.js';
import { crossEntropy } from './ops/loss.js';
import { sum } from './ops/reduce.js';
import { Adam } from './optim/adam.js';
import { Tensor, isGradEnabled, noGrad, onRelease, record, tensor, uniform } from './tensor.js';

describe('autograd tape', () => {
  it('computes the gradient of a shared subexpression once per use (diamond graph)', () => {
    const x = tensor([3], [1], { requiresGrad: true });
    const y = mul(x, x); // x²
    const z = add(mul(y, x), y); // x³ + x²  → dz/dx = 3x² + 2x = 33
    sum(z).backward();
    expect(x.grad![0]).toBeCloseTo(33, 5);
  });
  it('accumulates across backward calls and reuses the parameter buffer after zeroGrad', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    sum(mul(x, x)).backward();
    const buf = x.grad;
    sum(mul(x, x)).backward();
    expect(Array.from(x.grad!)).toEqual([4, 8]);
    x.zeroGrad();
    expect(x.grad).toBe(buf);
    expect(Array.from(x.grad!)).toEqual([0, 0]);
  });
  it('noGrad records nothing and restores the mode, even on throw', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    const y = noGrad(() => mul(x, x));
    expect(y.requiresGrad).toBe(false);
    expect(y.parents).toEqual([]);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });
  it('backward needs a scalar (or a seed) and says so', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    try {
      mul(x, x).backward();
      expect.unreachable();
    } catch (e) {
      expect(isResonateError(e, 'SHAPE_MISMATCH')).toBe(true);
      expect(String(e)).toMatch(/scalar loss/);
    }
    mul(x, x).backward(Float32Array.of(1, 1));
    expect(Array.from(x.grad!)).toEqual([2, 4]);
  });
  it('shape errors name the op and both shapes', () => {
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(/add: shapes \[3\] and \[2\] do not broadcast/);
  });
});

describe('release of what ops keep for backward', () => {
  it('runs once when backward releases the graph, not while it is retained', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    let released = 0, ran = 0;
    const make = (): Tensor => {
      const out = new Tensor(Float32Array.of(x.data[0]! + x.data[1]!), []);
      record(out, [x], () => {
        ran++;
        x.ensureGrad();
      });
      onRelease(out, () => released++);
      return out;
    };
    const y = make();
    y.backward(undefined, true);
    expect(released).toBe(0);
    y.backward();
    expect([ran, released]).toEqual([2, 1]);
    make().backward();
    expect([ran, released]).toEqual([3, 2]);
  });
});

describe('recycled gradient buffers', () => {
  it('stay correct across steps with x + x, reshape aliases and a root produced by add', () => {
    const n = 5000; // above the pooling threshold
    const x = uniform([n], createRng(4), -1, 1, { requiresGrad: true });
    for (let step = 0; step < 3; step++) {
      x.zeroGrad();
      const y = mul(x, tensor([2]));
      sum(add(y, y)).backward(); // d/dx Σ 4x = 4
      expect(x.grad!.every((v) => v === 4)).toBe(true);
      x.zeroGrad();
      const a = tanh(x);
      const root = add(a, reshape(a, [n]));
      root.backward(new Float32Array(n).fill(1)); // 2(1 − tanh²x)
      const rootGrad = root.grad!.slice();
      for (let i = 0; i < n; i += 997) expect(x.grad![i]).toBeCloseTo(2 * (1 - a.data[i]! ** 2), 5);
      sum(mul(x, x)).backward(); // reuses pooled buffers; must not touch root.grad
      expect(Array.from(root.grad!)).toEqual(Array.from(rootGrad));
    }
  });
});

describe('determinism', () => {
  it('the same seed gives the same initial weights and the same training trajectory', () => {
    const runOnce = (): number[] => {
      const rng = createRng(123);
      const model = new Mlp({ sizes: [4, 6, 3], dropout: 0.2, rng });
      const opt = new Adam(model.parameters(), { lr: 0.01 });
      const x = uniform([5, 4], rng, -1, 1);
      const losses: number[] = [];
      for (let s = 0; s < 5; s++) {
        opt.zeroGrad();
        const l = crossEntropy(model.forward(x), [0, 1, 2, 1, 0]);
        l.backward();
        opt.step();
        losses.push(l.item());
      }
      return losses;
    };
    expect(runOnce()).toEqual(runOnce());
  });
});
