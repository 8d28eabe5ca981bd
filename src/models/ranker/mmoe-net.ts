/**
 * @module The ranker's network: Multi-gate Mixture-of-Experts (Ma, Zhao, Yi, Chen, Hong & Chi 2018, KDD,
 * "Modeling Task Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts").
 *
 * x = [e_user; e_item; e_author; dense]; expert k: f_k(x) = ReLU(MLP_k(x)); gate of task t:
 * g_t(x) = softmax(W_t·x); task input h_t = Σ_k g_t(x)_k·f_k(x); output y_t = tower_t(h_t) (one logit).
 * `sharedBottom` replaces experts and gates by one MLP whose output feeds every tower (Caruana 1997).
 */
import type { Rng } from '../../core/rng.js';
import { Embedding } from '../../nn/layers/embedding.js';
import { Linear } from '../../nn/layers/linear.js';
import { Mlp } from '../../nn/layers/mlp.js';
import { Module } from '../../nn/module.js';
import { relu } from '../../nn/ops/activation.js';
import { matmul } from '../../nn/ops/matmul.js';
import { concat, reshape } from '../../nn/ops/shape.js';
import { softmax } from '../../nn/ops/softmax.js';
import type { Tensor } from '../../nn/tensor.js';

export interface MmoeNetConfig {
  userRows: number;
  itemRows: number;
  embeddingDim: number;
  denseDim: number;
  experts: number;
  expertSizes: readonly number[];
  towerSizes: readonly number[];
  tasks: number;
  sharedBottom: boolean;
  /** Std of the embedding initialisation (small, so the dense features lead early in training). */
  initStd: number;
  rng: Rng;
}

export interface MmoeBatch {
  userRows: Int32Array;
  itemRows: Int32Array;
  authorRows: Int32Array;
  /** [B, denseDim], standardised. */
  dense: Tensor;
}

export class MmoeNet extends Module {
  readonly userEmb: Embedding;
  readonly itemEmb: Embedding;
  readonly authorEmb: Embedding;
  readonly experts: Mlp[];
  readonly gates: Linear[];
  readonly towers: Mlp[];
  private readonly shared: boolean;

  constructor(c: MmoeNetConfig) {
    super();
    const mk = (rows: number): Embedding => {
      const e = new Embedding({ numEmbeddings: rows, embeddingDim: c.embeddingDim, rng: c.rng });
      for (let k = 0; k < e.weight.data.length; k++) e.weight.data[k]! *= c.initStd;
      return e;
    };
    this.userEmb = mk(c.userRows);
    this.itemEmb = mk(c.itemRows);
    this.authorEmb = mk(c.userRows);
    const inDim = 3 * c.embeddingDim + c.denseDim;
    const nExperts = c.sharedBottom ? 1 : c.experts;
    this.experts = Array.from({ length: nExperts }, () => new Mlp({ sizes: [inDim, ...c.expertSizes], rng: c.rng }));
    this.gates = c.sharedBottom ? [] : Array.from({ length: c.tasks }, () => new Linear({ inFeatures: inDim, outFeatures: nExperts, rng: c.rng }));
    const expertOut = c.expertSizes[c.expertSizes.length - 1]!;
    this.towers = Array.from({ length: c.tasks }, () => new Mlp({ sizes: [expertOut, ...c.towerSizes, 1], rng: c.rng }));
    this.shared = c.sharedBottom;
  }

  /** One [B] logit tensor per task. */
  forward(b: MmoeBatch): Tensor[] {
    const n = b.userRows.length;
    const x = concat([this.userEmb.forward(b.userRows), this.itemEmb.forward(b.itemRows), this.authorEmb.forward(b.authorRows), b.dense], -1);
    const outs = this.experts.map((e) => relu(e.forward(x)));
    const d = outs[0]!.shape[1]!;
    let inputs: Tensor[];
    if (this.shared) inputs = this.towers.map(() => outs[0]!);
    else {
      const stacked = concat(outs.map((o) => reshape(o, [n, 1, d])), 1); // [B, E, D]
      inputs = this.gates.map((g) => reshape(matmul(reshape(softmax(g.forward(x)), [n, 1, outs.length]), stacked), [n, d]));
    }
    return this.towers.map((t, k) => reshape(t.forward(inputs[k]!), [n]));
  }
}
