import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { Mlp } from './layers/mlp.js';
import { bceWithLogits } from './ops/loss.js';
import { Adam } from './optim/adam.js';
import { noGrad, tensor } from './tensor.js';

describe('training a tiny model to a known answer', () => {
  it('learns XOR with an MLP (loss → ~0, 100% accuracy)', () => {
    const rng = createRng(7);
    const model = new Mlp({ sizes: [2, 8, 1], activation: 'tanh', rng });
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    const x = tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
    const y = [0, 1, 1, 0];
    let loss = Infinity;
    for (let step = 0; step < 500; step++) {
      opt.zeroGrad();
      const l = bceWithLogits(model.forward(x), y);
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.01);
    const logits = noGrad(() => model.forward(x));
    expect(Array.from(logits.data, (v) => (v > 0 ? 1 : 0))).toEqual(y);
  });
});
