import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { createEarlyStopping, validationParams } from './early-stopping.js';

describe('createEarlyStopping', () => {
  it('remembers the best score and stops after `patience` evaluations without improvement', () => {
    const s = createEarlyStopping(2);
    expect(s.update(0.1, 1)).toBe(true);
    expect(s.update(0.3, 2)).toBe(true);
    expect(s.update(0.2, 3)).toBe(false);
    expect(s.shouldStop).toBe(false);
    expect(s.update(0.3, 4)).toBe(false); // equal is no improvement
    expect(s.shouldStop).toBe(true);
    expect(s.state).toEqual({ best: 0.3, bestEpoch: 2, bad: 2 });
  });

  it('resumes from a saved state without aliasing it', () => {
    const saved = { best: 0.5, bestEpoch: 3, bad: 1 };
    const s = createEarlyStopping(2, saved);
    s.update(0.4, 4);
    expect(s.shouldStop).toBe(true);
    expect(saved.bad).toBe(1);
  });
});

describe('validationParams', () => {
  const schema = z.strictObject({ epochs: z.number().default(5), ...validationParams({ validationFraction: 0.2, evalEvery: 4, patience: 6, validationK: 15 }) });

  it('fills the model-specific defaults, checkpointPath optional', () => {
    expect(schema.parse({})).toEqual({ epochs: 5, validationFraction: 0.2, evalEvery: 4, patience: 6, validationK: 15 });
    expect(schema.parse({ checkpointPath: 'a.ckpt' }).checkpointPath).toBe('a.ckpt');
  });

  it('rejects out-of-range values', () => {
    expect(schema.safeParse({ validationFraction: 0.6 }).success).toBe(false);
    expect(schema.safeParse({ evalEvery: 0 }).success).toBe(false);
    expect(schema.safeParse({ checkpointPath: '' }).success).toBe(false);
  });
});
