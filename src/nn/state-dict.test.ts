import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { Gru } from './layers/recurrent.js';
import { Linear } from './layers/linear.js';
import { TransformerBlock } from './layers/transformer-block.js';
import { Module } from './module.js';
import { loadModule, saveModule } from './state-dict.js';
import { noGrad, uniform, type Tensor } from './tensor.js';
import { Embedding } from './layers/embedding.js';

class Tiny extends Module {
  readonly emb: Embedding;
  readonly gru: Gru;
  readonly blocks: TransformerBlock[];
  readonly head: Linear;
  constructor(seed: number) {
    super();
    const rng = createRng(seed);
    this.emb = new Embedding({ numEmbeddings: 11, embeddingDim: 8, rng });
    this.gru = new Gru({ inputSize: 8, hiddenSize: 8, bidirectional: true, rng });
    this.blocks = [new TransformerBlock({ dModel: 16, numHeads: 2, rng }), new TransformerBlock({ dModel: 16, numHeads: 4, norm: 'pre', rng })];
    this.head = new Linear({ inFeatures: 16, outFeatures: 3, rng });
  }
  forward(ids: number[]): Tensor {
    let h = this.gru.forward(this.emb.forward(ids, [2, ids.length / 2])).output;
    for (const b of this.blocks) h = b.forward(h, { causal: true });
    return this.head.forward(h);
  }
}

describe('safetensors round trip of a model', () => {
  it('saves, loads into a differently initialised model and gives identical outputs; header is standard', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-st-'));
    try {
      const a = new Tiny(1).eval(), b = new Tiny(2).eval();
      const ids = [1, 4, 2, 9, 10, 0, 3, 3];
      const path = join(dir, 'model.safetensors');
      saveModule(path, a, { kind: 'test/tiny', version: '1' });
      const ya = noGrad(() => a.forward(ids));
      expect(Array.from(noGrad(() => b.forward(ids)).data)).not.toEqual(Array.from(ya.data));
      expect(loadModule(path, b)).toEqual({ kind: 'test/tiny', version: '1' });
      expect(Array.from(noGrad(() => b.forward(ids)).data)).toEqual(Array.from(ya.data));

      const bytes = readFileSync(path);
      const n = Number(bytes.readBigUInt64LE(0));
      expect((8 + n) % 8).toBe(0);
      const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
      const names = a.namedParameters().map(([k]) => k);
      expect(names).toContain('blocks.1.attn.inProjWeight');
      expect(names).toContain('gru.weight_hh_l0_reverse');
      expect(Object.keys(header).filter((k) => k !== '__metadata__').sort()).toEqual([...names].sort());
      let end = 0;
      for (const name of names) {
        const e = header[name]!;
        const t = a.namedParameters().find(([k]) => k === name)![1];
        expect(e.dtype).toBe('F32');
        expect(e.shape).toEqual(t.shape);
        expect(e.data_offsets[1] - e.data_offsets[0]).toBe(t.size * 4);
        end = Math.max(end, e.data_offsets[1]);
      }
      expect(bytes.length).toBe(8 + n + end);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('rejects a state dict with a wrong shape, naming the parameter', () => {
    const l = new Linear({ inFeatures: 2, outFeatures: 3, rng: createRng(1) });
    const state = l.stateDict();
    state.weight = { data: uniform([3, 3], createRng(1), 0, 1).data, shape: [3, 3] };
    expect(() => l.loadStateDict(state)).toThrow(/weight has shape \[3, 3\], expected \[3, 2\]/);
  });
});
