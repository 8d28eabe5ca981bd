/**
 * @module Federated training of BPR-MF by FedAvg, simulated: clients keep their interactions and user vectors and
 * send item-update messages only; optional secure aggregation by pairwise masks and DP-FedAvg with RDP accounting.
 */
export { runFedAvg, trainCentralized, type CentralizedOptions, type DpFedAvgOptions, type FedAvgOptions, type FedAvgResult, type FedAvgRound, type TrainedState } from './fedavg.js';
export { FederatedClient, clipToNorm, toMessage, type LocalTrainingOptions, type LocalUpdate, type MessageForm } from './client.js';
export { FederatedServer, type DpAggregation, type RoundSummary, type ServerOptions } from './server.js';
export { checkMessage, messageBytes, type DenseItemUpdate, type ItemUpdateMessage, type MaskedItemUpdate, type SparseItemUpdate } from './messages.js';
export { initItemModel, initUserVector, topItems, type BprHyperparameters, type ItemModel } from './model.js';
export { maskUpdate, simulatedKeyAgreement, unmaskSum, type KeyAgreement } from './secure-aggregation.js';
