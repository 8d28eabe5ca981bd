import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRdpAccountant } from '../accountant.js';
import { FederatedClient } from './client.js';
import { runFedAvg, trainCentralized, type FedAvgOptions, type TrainedState } from './fedavg.js';
import { initItemModel, initUserVector } from './model.js';
import { FederatedServer } from './server.js';
import type { ItemUpdateMessage } from './messages.js';

/** Two groups of 20 users; group g likes items 10g…10g+9; each user trains on 6 of them and holds out the other 4. */
function planted(): { positives: Int32Array[]; heldOut: Set<number>[] } {
  const positives: Int32Array[] = [], heldOut: Set<number>[] = [];
  for (let u = 0; u < 40; u++) {
    const g = u < 20 ? 0 : 1;
    const items = Array.from({ length: 10 }, (_, k) => 10 * g + ((k + 3 * u) % 10));
    positives.push(Int32Array.from(items.slice(0, 6)));
    heldOut.push(new Set(items.slice(6)));
  }
  return { positives, heldOut };
}

/** Mean over users of the share of their top-4 that are held-out items (4 held-out among 14 candidates). */
function precisionAt4(state: TrainedState, heldOut: Set<number>[]): number {
  let s = 0;
  heldOut.forEach((h, u) => { s += Array.from(state.recommend(u, 4)).filter((i) => h.has(i)).length / 4; });
  return s / heldOut.length;
}

const bpr = { factors: 8, learningRate: 0.1, regularization: 0.01, bias: true, seed: 7 };

describe('FedAvg on a planted two-group dataset', () => {
  const { positives, heldOut } = planted();
  const base: FedAvgOptions = { ...bpr, positives, nItems: 20, rounds: 60, clientsPerRound: 10, localEpochs: 2, serverLearningRate: 10, weighting: 'uniform' };

  it('learns the groups: held-out precision@4 far above random (4/14)', () => {
    const untrained = runFedAvg({ ...base, rounds: 0 });
    const trained = runFedAvg(base);
    expect(precisionAt4(untrained, heldOut)).toBeLessThan(0.5);
    expect(precisionAt4(trained, heldOut)).toBeGreaterThan(0.9);
  });

  it('learns them with example-count weighting and every client each round', () => {
    expect(precisionAt4(runFedAvg({ ...base, weighting: 'examples', clientsPerRound: 40, serverLearningRate: 40 }), heldOut)).toBeGreaterThan(0.9);
  });

  it('reaches the same item model through dense updates and through secure aggregation', () => {
    const dense = runFedAvg({ ...base, rounds: 10, transport: 'dense' }).itemModel();
    const sparse = runFedAvg({ ...base, rounds: 10 }).itemModel();
    const secure = runFedAvg({ ...base, rounds: 10, transport: 'dense', secureAggregation: { neighbours: 4 } }).itemModel();
    for (let c = 0; c < dense.q.length; c++) {
      expect(sparse.q[c]).toBeCloseTo(dense.q[c]!, 6);
      expect(secure.q[c]).toBeCloseTo(dense.q[c]!, 5);
    }
  });

  it('accounts ε of DP-FedAvg with the RDP accountant at q = clients per round / clients', () => {
    const dp = { clipNorm: 0.5, noiseMultiplier: 1.2, delta: 1e-3 };
    const result = runFedAvg({ ...base, rounds: 5, transport: 'dense', dp });
    const expected = createRdpAccountant({ noiseMultiplier: 1.2, sampleRate: 10 / 40, delta: 1e-3 });
    expect(result.rounds.map((r) => r.epsilon)).toEqual([1, 2, 3, 4, 5].map((t) => expected.epsilonFor(t)));
    expect(result.rounds[0]!.noiseStd).toBeCloseTo(0.6, 12);
  });

  it('refuses sparse transport with secure aggregation or DP', () => {
    expect(() => runFedAvg({ ...base, secureAggregation: true })).toThrow(/dense/);
    expect(() => runFedAvg({ ...base, dp: { clipNorm: 1, noiseMultiplier: 1, delta: 1e-3 } })).toThrow(/dense/);
  });
});

describe('FedAvg against centralized SGD on the same examples', () => {
  const hyper = { factors: 3, learningRate: 0.5, regularization: 0.1, bias: true, seed: 3 };

  it('one client, one positive, one local step: the item update is the SGD step, by hand', () => {
    // Two items; the user likes item 0, so item 1 is the only negative there is.
    const opts = { ...hyper, positives: [Int32Array.of(0)], nItems: 2 };
    const fed = runFedAvg({ ...opts, rounds: 1, clientsPerRound: 1, localEpochs: 1 }).itemModel();
    const central = trainCentralized({ ...opts, epochs: 1 }).itemModel();
    const { q } = initItemModel(2, 3, true, 3), p = initUserVector(3, 3, 0);
    let x = 0;
    for (let a = 0; a < 3; a++) x += p[a]! * (q[a]! - q[3 + a]!);
    const z = 1 / (1 + Math.exp(x)), { learningRate: lr, regularization: reg } = hyper;
    for (let a = 0; a < 3; a++) {
      const q0 = q[a]! + lr * (z * p[a]! - reg * q[a]!), q1 = q[3 + a]! + lr * (-z * p[a]! - reg * q[3 + a]!);
      expect(fed.q[a]).toBeCloseTo(q0, 6);
      expect(fed.q[3 + a]).toBeCloseTo(q1, 6);
      expect(central.q[a]).toBeCloseTo(q0, 6);
      expect(central.q[3 + a]).toBeCloseTo(q1, 6);
    }
    expect(fed.b![0]).toBeCloseTo(lr * z, 6);
    expect(fed.b![1]).toBeCloseTo(-lr * z, 6);
    expect(central.b![0]).toBeCloseTo(lr * z, 6);
  });

  it('every client with one example, uniform weights, η_s = clients: the update is the sum of their SGD steps from the same point', () => {
    // Users 0, 1, 2 like items 0, 1, 2; the pool holds item 3 only, so every triple is (u, u, 3).
    const positives = [Int32Array.of(0), Int32Array.of(1), Int32Array.of(2)];
    const opts = { ...hyper, positives, nItems: 4, negativePool: Int32Array.of(3) };
    const fed = runFedAvg({ ...opts, rounds: 1, clientsPerRound: 3, localEpochs: 1, weighting: 'uniform', serverLearningRate: 3 }).itemModel();
    const { q } = initItemModel(4, 3, true, 3), { learningRate: lr, regularization: reg } = hyper;
    const expected = Array.from(q), expectedB = [0, 0, 0, 0];
    for (let u = 0; u < 3; u++) {
      const p = initUserVector(3, 3, u);
      let x = 0;
      for (let a = 0; a < 3; a++) x += p[a]! * (q[u * 3 + a]! - q[9 + a]!);
      const z = 1 / (1 + Math.exp(x));
      for (let a = 0; a < 3; a++) {
        expected[u * 3 + a]! += lr * (z * p[a]! - reg * q[u * 3 + a]!);
        expected[9 + a]! += lr * (-z * p[a]! - reg * q[9 + a]!);
      }
      expectedB[u]! += lr * z;
      expectedB[3]! -= lr * z;
    }
    expected.forEach((v, c) => expect(fed.q[c]).toBeCloseTo(v, 6));
    expectedB.forEach((v, i) => expect(fed.b![i]).toBeCloseTo(v, 6));
    // Centralized SGD takes the same three steps one after another, so it differs (item 3 moves between them).
    const central = trainCentralized({ ...opts, epochs: 1 }).itemModel();
    expect(Math.abs(central.q[9]! - fed.q[9]!)).toBeGreaterThan(0);
  });
});

describe('what the server receives', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('only item-update messages, with no field beyond the message form and no item indices when dense', () => {
    const received: ItemUpdateMessage[] = [];
    const original = FederatedServer.prototype.receive;
    vi.spyOn(FederatedServer.prototype, 'receive').mockImplementation(function (this: FederatedServer, msg) {
      received.push(msg);
      original.call(this, msg);
    });
    const { positives } = planted();
    runFedAvg({ ...bpr, positives, nItems: 20, rounds: 3, clientsPerRound: 5, localEpochs: 1, transport: 'dense' });
    runFedAvg({ ...bpr, positives, nItems: 20, rounds: 3, clientsPerRound: 5, localEpochs: 1, transport: 'dense', secureAggregation: true });
    expect(received).toHaveLength(30);
    for (const msg of received) {
      expect(Object.keys(msg).sort()).toEqual(msg.kind === 'dense' ? ['kind', 'round', 'values', 'weight'] : ['kind', 'round', 'slot', 'values']);
      expect(msg.values.length).toBeGreaterThanOrEqual(20 * 9);
    }
  });

  it('a client exposes neither its interactions nor its user vector', () => {
    const client = new FederatedClient(Int32Array.of(3, 5), initUserVector(4, 1, 0));
    expect(Object.keys(client)).toEqual([]);
    expect(JSON.stringify(client)).toBe('{}');
    expect(client.examples).toBe(2);
  });
});
