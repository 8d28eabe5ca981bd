/**
 * @module Federated BPR by FedAvg, simulated in one process, and the centralized SGD it is measured against.
 *
 * One round: the server broadcasts the item model; clients are sampled (a fixed number without replacement, or
 * Poisson sampling of rate q = clientsPerRound / K under DP, as the RDP accountant assumes); each trains locally
 * (client.ts) and sends one `ItemUpdateMessage`; the server aggregates (server.ts). A user's positives are handed
 * to their own `FederatedClient` once, at the start, and stay there; the driver passes the server messages only.
 *
 * Centralized training is the same model from the same starting point: epochs of SGD over every (user, positive)
 * pair in a random order, one uniformly drawn negative each, `bprStep` with the same learning rate and λ.
 */
import { createError } from '../../core/errors.js';
import { createRng, type Rng } from '../../core/rng.js';
import { bprStep } from '../../models/mf/bpr.js';
import { createRdpAccountant } from '../accountant.js';
import { FederatedClient, toMessage, type MessageForm } from './client.js';
import { drawNegative, initItemModel, initUserVector, topItems, type BprHyperparameters, type ItemModel } from './model.js';
import { simulatedKeyAgreement } from './secure-aggregation.js';
import { FederatedServer, type RoundSummary } from './server.js';

interface Common extends BprHyperparameters {
  /** Per user, the items of their training interactions. */
  readonly positives: readonly ArrayLike<number>[];
  readonly nItems: number;
  /** Items negatives are drawn from (default: every item). */
  readonly negativePool?: Int32Array;
  readonly seed?: number;
}

export interface DpFedAvgOptions {
  /** S, the L2 bound of each client's update. */
  readonly clipNorm: number;
  /** σ: the noise on the sum has standard deviation σS per coordinate. */
  readonly noiseMultiplier: number;
  /** δ of the (ε, δ) guarantee the accountant reports. */
  readonly delta: number;
}

export interface FedAvgOptions extends Common {
  readonly rounds: number;
  /** Clients per round (under DP, the expected number: q = clientsPerRound / K). */
  readonly clientsPerRound: number;
  /** Passes over its positives a client makes per round. */
  readonly localEpochs: number;
  /** η_s (default 1). */
  readonly serverLearningRate?: number;
  /** w_k: the client's example count (FedAvg, default) or 1; DP always weighs 1. */
  readonly weighting?: 'examples' | 'uniform';
  /** Touched rows only (default) or every item row. Secure aggregation and DP need every row. */
  readonly transport?: 'sparse' | 'dense';
  /** Pairwise masking; `neighbours` limits each client's mask partners (default: all the round's clients). */
  readonly secureAggregation?: boolean | { readonly neighbours?: number };
  readonly dp?: DpFedAvgOptions;
  /** After each round; return 'stop' to end early. */
  readonly onRound?: (round: FedAvgRound, state: TrainedState) => void | 'stop';
}

export interface FedAvgRound extends RoundSummary {
  /** Mean bytes a participating client sent this round. */
  readonly bytesPerClient: number;
  /** ε spent after this round (DP only). */
  readonly epsilon?: number;
}

/** What evaluation may ask of a trained system: a user's top-k (on their own device, when federated). */
export interface TrainedState {
  recommend(user: number, k: number): Int32Array;
  itemModel(): ItemModel;
}

export interface FedAvgResult extends TrainedState {
  readonly rounds: readonly FedAvgRound[];
}

function invalid(field: string, problem: string): Error {
  return createError('INVALID_INPUT', { field, problem });
}

function checkCommon(o: Common): Int32Array {
  if (!(Number.isInteger(o.factors) && o.factors >= 1)) throw invalid('factors', `expected an integer ≥ 1, got ${o.factors}`);
  if (!(o.learningRate > 0)) throw invalid('learningRate', `expected a number > 0, got ${o.learningRate}`);
  if (!(o.regularization >= 0)) throw invalid('regularization', `expected a number ≥ 0, got ${o.regularization}`);
  if (!(Number.isInteger(o.nItems) && o.nItems >= 2)) throw invalid('nItems', `expected an integer ≥ 2, got ${o.nItems}`);
  const pool = o.negativePool ?? Int32Array.from({ length: o.nItems }, (_, i) => i);
  if (pool.length === 0) throw invalid('negativePool', 'expected at least one item');
  return pool;
}

/** m distinct indices of `from`, uniformly (partial Fisher–Yates). */
function sampleFixed(rng: Rng, from: readonly number[], m: number): number[] {
  const a = from.slice();
  const n = Math.min(m, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(a.length - i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

export function runFedAvg(options: FedAvgOptions): FedAvgResult {
  const pool = checkCommon(options);
  const { nItems, factors, bias, rounds, clientsPerRound, localEpochs, dp } = options;
  const seed = options.seed ?? 42;
  if (!(Number.isInteger(rounds) && rounds >= 0)) throw invalid('rounds', `expected an integer ≥ 0, got ${rounds}`);
  if (!(Number.isInteger(localEpochs) && localEpochs >= 1)) throw invalid('localEpochs', `expected an integer ≥ 1, got ${localEpochs}`);
  const clients = options.positives.map((items, u) => new FederatedClient(items, initUserVector(factors, seed, u)));
  const eligible = clients.flatMap((c, u) => (c.examples > 0 ? [u] : []));
  if (eligible.length === 0) throw createError('DATASET_EMPTY', { what: 'clients with interactions' });
  if (!(clientsPerRound > 0 && clientsPerRound <= eligible.length)) throw invalid('clientsPerRound', `expected a number in (0, ${eligible.length}], got ${clientsPerRound}`);
  const secure = options.secureAggregation === true || typeof options.secureAggregation === 'object';
  const neighbours = typeof options.secureAggregation === 'object' ? options.secureAggregation.neighbours : undefined;
  const transport = options.transport ?? 'sparse';
  if (transport === 'sparse' && (secure || dp)) throw invalid('transport', 'secure aggregation and DP need dense updates (a sparse message names the items it touched)');
  const weighting = dp ? 'uniform' : options.weighting ?? 'examples';
  const q = clientsPerRound / eligible.length;
  const rng = createRng(seed ^ 0x2545f491);
  const server = new FederatedServer(initItemModel(nItems, factors, bias, seed), {
    serverLearningRate: options.serverLearningRate,
    dp: dp && { clipNorm: dp.clipNorm, noiseMultiplier: dp.noiseMultiplier, expectedClients: clientsPerRound },
    rng: rng.fork(),
  });
  const accountant = dp && createRdpAccountant({ noiseMultiplier: dp.noiseMultiplier, sampleRate: q, delta: dp.delta });
  const keys = simulatedKeyAgreement(seed ^ 0x68e31da4);
  const train = { learningRate: options.learningRate, regularization: options.regularization, localEpochs, negativePool: pool };
  let current = server.broadcast();
  const state: TrainedState = {
    recommend: (user, k) => clients[user]!.recommend(current, k),
    itemModel: () => current,
  };
  const history: FedAvgRound[] = [];
  for (let r = 0; r < rounds; r++) {
    const participants = dp ? eligible.filter(() => rng.next() < q) : sampleFixed(rng, eligible, clientsPerRound);
    const m = participants.length;
    participants.forEach((u, slot) => {
      const client = clients[u]!;
      const update = client.train(current, train, rng.fork());
      const form: MessageForm = secure ? { kind: 'masked', slot, participants: m, keys, neighbours } : { kind: transport };
      server.receive(toMessage(update, nItems, r, weighting === 'examples' ? update.examples : 1, form, dp?.clipNorm));
    });
    const summary = server.finishRound();
    current = server.broadcast();
    accountant?.step();
    const round: FedAvgRound = { ...summary, bytesPerClient: m === 0 ? 0 : summary.bytes / m, ...(accountant ? { epsilon: accountant.epsilon() } : {}) };
    history.push(round);
    if (options.onRound?.(round, state) === 'stop') break;
  }
  return { ...state, rounds: history };
}

export interface CentralizedOptions extends Common {
  readonly epochs: number;
  /** After each epoch; return 'stop' to end early. */
  readonly onEpoch?: (epoch: number, state: TrainedState) => void | 'stop';
}

export function trainCentralized(options: CentralizedOptions): TrainedState {
  const pool = checkCommon(options);
  const { nItems, factors: f, bias, epochs, learningRate: lr, regularization: reg } = options;
  const seed = options.seed ?? 42;
  const model = initItemModel(nItems, f, bias, seed);
  const nUsers = options.positives.length;
  const p = new Float32Array(nUsers * f);
  for (let u = 0; u < nUsers; u++) p.set(initUserVector(f, seed, u), u * f);
  const sets = options.positives.map((items) => new Set(Array.from(items)));
  const users: number[] = [], items: number[] = [];
  options.positives.forEach((list, u) => Array.from(list).forEach((i) => { users.push(u); items.push(i); }));
  if (users.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
  const order = Array.from(users.keys());
  const rng = createRng(seed ^ 0x2545f491);
  const state: TrainedState = {
    recommend: (u, k) => topItems(p.subarray(u * f, (u + 1) * f), model, k, sets[u]!),
    itemModel: () => model,
  };
  for (let e = 0; e < epochs; e++) {
    rng.shuffle(order);
    for (const s of order) {
      const u = users[s]!;
      const j = drawNegative(rng, pool, (i) => sets[u]!.has(i));
      bprStep(p, model.q, model.b, f, u, items[s]!, j, lr, reg);
    }
    if (options.onEpoch?.(e + 1, state) === 'stop') break;
  }
  return state;
}
