import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { clipToNorm, toMessage, type LocalUpdate } from './client.js';
import { checkMessage, messageBytes } from './messages.js';
import { initItemModel, type ItemModel } from './model.js';
import { FederatedServer } from './server.js';

const zeros = (nItems: number, f: number): ItemModel => ({ nItems, factors: f, q: new Float32Array(nItems * f), b: new Float32Array(nItems) });

describe('FedAvg aggregation', () => {
  it('weighs updates by example count and scales by η_s', () => {
    const server = new FederatedServer(zeros(3, 1), { serverLearningRate: 2 });
    // width 2 (one factor and the bias); client A touched item 0, client B items 0 and 2.
    server.receive({ kind: 'sparse', round: 0, weight: 1, items: Int32Array.of(0), values: Float32Array.of(3, 1) });
    server.receive({ kind: 'sparse', round: 0, weight: 3, items: Int32Array.of(0, 2), values: Float32Array.of(1, 0, 4, -2) });
    const summary = server.finishRound();
    const { q, b } = server.broadcast();
    // (1·3 + 3·1)/4 · 2 = 3; item 2: 3·4/4 · 2 = 6.
    expect(Array.from(q)).toEqual([3, 0, 6]);
    expect(Array.from(b!)).toEqual([0.5, 0, -3]);
    expect(summary).toMatchObject({ round: 0, messages: 2, totalWeight: 4, noiseStd: 0, bytes: (4 + 8 + 4) + (8 + 16 + 4) });
    expect(server.round).toBe(1);
  });

  it('DP-FedAvg: noise of standard deviation σS on every coordinate of the sum, divided by qK', () => {
    const clipNorm = 2, noiseMultiplier = 1.5, nItems = 600, f = 7;
    const server = new FederatedServer(zeros(nItems, f), { dp: { clipNorm, noiseMultiplier, expectedClients: 1 }, rng: createRng(3) });
    server.receive({ kind: 'dense', round: 0, weight: 1, values: new Float32Array(nItems * (f + 1)) });
    expect(server.finishRound().noiseStd).toBe(3);
    const { q, b } = server.broadcast();
    const all = [...q, ...b!];
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    const sd = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / (all.length - 1));
    // 4800 draws: the sample sd is within 3 ± 0.03 (one standard error); the bound allows five of them.
    expect(Math.abs(sd - 3)).toBeLessThan(0.15);
    expect(Math.abs(mean)).toBeLessThan(0.2);
    // Divided by the expected clients: qK = 4 gives a quarter of it.
    const four = new FederatedServer(zeros(nItems, f), { dp: { clipNorm, noiseMultiplier, expectedClients: 4 }, rng: createRng(3) });
    four.finishRound();
    const q4 = four.broadcast().q;
    expect(q4[5]).toBeCloseTo(q[5]! / 4, 5);
  });

  it('DP-FedAvg refuses updates above the clipping norm or with example weights', () => {
    const server = new FederatedServer(zeros(2, 1), { dp: { clipNorm: 1, noiseMultiplier: 1, expectedClients: 1 }, rng: createRng(1) });
    expect(() => server.receive({ kind: 'dense', round: 0, weight: 1, values: Float32Array.of(3, 4, 0, 0) })).toThrow(/clipping norm/);
    expect(() => server.receive({ kind: 'dense', round: 0, weight: 2, values: Float32Array.of(0.1, 0, 0, 0) })).toThrow(/weighs every client 1/);
    const update: LocalUpdate = { items: Int32Array.of(1), values: Float32Array.of(3, 4), width: 2, examples: 5 };
    const msg = toMessage(update, 2, 0, 1, { kind: 'dense' }, 1);
    expect(Array.from(msg.values)).toEqual([0, 0, Math.fround(0.6), Math.fround(0.8)]);
    server.receive(msg);
    expect(update.values[0]).toBe(3); // the client's own copy is untouched
  });

  it('clipToNorm scales down only what is above the bound', () => {
    const v = Float32Array.of(3, 4);
    expect(clipToNorm(v, 10)).toBe(5);
    expect(Array.from(v)).toEqual([3, 4]);
    expect(clipToNorm(v, 1)).toBe(5);
    expect(Math.hypot(v[0]!, v[1]!)).toBeCloseTo(1, 6);
  });

  it('masked messages from every participant aggregate to the plain weighted mean', () => {
    const init = initItemModel(5, 2, true, 1);
    const updates: LocalUpdate[] = [
      { items: Int32Array.of(0, 3), values: Float32Array.of(0.1, -0.2, 0.3, 0.05, 0, 1), width: 3, examples: 2 },
      { items: Int32Array.of(3), values: Float32Array.of(-0.4, 0.2, -0.1), width: 3, examples: 1 },
      { items: Int32Array.of(1, 4), values: Float32Array.of(0.7, 0.7, 0.7, -0.3, 0.3, 0), width: 3, examples: 4 },
    ];
    const plain = new FederatedServer(init), secure = new FederatedServer(init);
    const keys = { pairSeed: (round: number, a: number, b: number) => 1000 * round + 10 * Math.min(a, b) + Math.max(a, b) };
    updates.forEach((u, slot) => {
      plain.receive(toMessage(u, 5, 0, u.examples, { kind: 'sparse' }));
      secure.receive(toMessage(u, 5, 0, u.examples, { kind: 'masked', slot, participants: 3, keys }));
    });
    expect(secure.finishRound().totalWeight).toBe(7);
    plain.finishRound();
    const a = plain.broadcast(), s = secure.broadcast();
    a.q.forEach((v, c) => expect(s.q[c]).toBeCloseTo(v, 6));
    a.b!.forEach((v, c) => expect(s.b![c]).toBeCloseTo(v, 6));
  });
});

describe('the server boundary', () => {
  const server = new FederatedServer(zeros(4, 2));

  it('accepts item-update messages only (a type error, and refused at run time)', () => {
    const interactions = { user: 3, items: Int32Array.of(0, 2) };
    // @ts-expect-error — a client's interactions are not an ItemUpdateMessage.
    expect(() => server.receive(interactions)).toThrow(/unknown kind/);
    const smuggled = { kind: 'dense' as const, round: 0, weight: 1, values: new Float32Array(12), positives: Int32Array.of(0, 2) };
    expect(() => server.receive(smuggled)).toThrow(/unexpected field\(s\) positives/);
    expect(() => server.receive({ kind: 'sparse', round: 0, weight: 1, items: Int32Array.of(9), values: new Float32Array(3) })).toThrow(/outside/);
    expect(() => server.receive({ kind: 'dense', round: 0, weight: 1, values: new Float32Array(5) })).toThrow(/12 numbers/);
    expect(() => server.receive({ kind: 'dense', round: 1, weight: 1, values: new Float32Array(12) })).toThrow(/round 1 during round 0/);
    expect(() => checkMessage({ kind: 'dense', round: 0, weight: 1, values: Float32Array.of(NaN, ...new Array<number>(11).fill(0)) }, 4, 3)).toThrow(/finite/);
  });

  it('counts bytes of float32 deltas, int32 indices and 8-byte ring carriers', () => {
    expect(messageBytes({ kind: 'sparse', round: 0, weight: 1, items: Int32Array.of(1, 2), values: new Float32Array(6) })).toBe(8 + 24 + 4);
    expect(messageBytes({ kind: 'dense', round: 0, weight: 1, values: new Float32Array(12) })).toBe(52);
    expect(messageBytes({ kind: 'masked', round: 0, slot: 0, values: new Float64Array(13) })).toBe(104);
  });
});
