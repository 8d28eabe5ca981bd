/**
 * @module Differential-privacy accounting for DP-SGD: Rényi DP of the Sampled Gaussian Mechanism, its conversion
 * to (ε, δ)-DP, and a running accountant.
 */
export { computeRdp, DEFAULT_ORDERS, DP_SGD_ORDERS } from './rdp.js';
export { CONVERSIONS, epsilonFromRdp, type Conversion, type EpsilonResult } from './conversion.js';
export { createRdpAccountant, type RdpAccountant, type RdpAccountantOptions } from './accountant.js';
export { stepsForEpochs } from './steps.js';
export { noiseMultiplierFor, type CalibrationOptions } from './calibrate.js';
export { DpSgd, dpSgdStep, poissonSample, type DpSgdOptions, type DpSgdStepResult, type ExampleGradient } from './dp-sgd.js';
/** Federated BPR by FedAvg with secure aggregation and DP-FedAvg (a namespace, so its names stay apart from DP-SGD's). */
export * as federated from './federated/index.js';
