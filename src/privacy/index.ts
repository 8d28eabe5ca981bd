/**
 * @module Differential-privacy accounting for DP-SGD: Rényi DP of the Sampled Gaussian Mechanism, its conversion
 * to (ε, δ)-DP, and a running accountant; differentially private counts (contribution bounding, exact discrete
 * Laplace and Gaussian noise, key selection by threshold) and a privacy-budget ledger.
 */
export { computeRdp, DEFAULT_ORDERS, DP_SGD_ORDERS } from './rdp.js';
export { CONVERSIONS, epsilonFromRdp, type Conversion, type EpsilonResult } from './conversion.js';
export { createRdpAccountant, type RdpAccountant, type RdpAccountantOptions } from './accountant.js';
export { stepsForEpochs } from './steps.js';
export { noiseMultiplierFor, type CalibrationOptions } from './calibrate.js';
export { DpSgd, dpSgdStep, poissonSample, type DpSgdOptions, type DpSgdStepResult, type ExampleGradient } from './dp-sgd.js';
export { cryptoGaussian, seededGaussian, type GaussianNoise } from './gaussian-noise.js';
/** Federated BPR by FedAvg with secure aggregation and DP-FedAvg (a namespace, so its names stay apart from DP-SGD's). */
export * as federated from './federated/index.js';
export { cryptoRandom, cryptoRng, seededRandom, type RandomSource } from './random-source.js';
export {
  bernoulliExpNeg, discreteGaussianPmfZero, discreteGaussianTail, discreteGaussianVariance, discreteLaplaceTail, discreteLaplaceVariance,
  fractionOf, sampleDiscreteGaussian, sampleDiscreteGaussianExact, sampleDiscreteLaplace, sampleDiscreteLaplaceExact, type Fraction,
} from './discrete-noise.js';
export { boundContributions, l1Sensitivity, l2Sensitivity, sampleWithoutReplacement, type Contribution, type ContributionBounds } from './contribution-bounding.js';
export { DP_MECHANISMS, planCounts, releaseKnownCounts, releaseSelectedCounts, sampleNoise, selectionThreshold, type DpCountOptions, type DpCountPlan, type DpMechanism, type NoisyCount } from './dp-count.js';
export { rhoFor, zcdpEpsilon, ZCDP_ORDERS } from './zcdp.js';
export { composedGuarantee, createBudgetLedger, type BudgetLedger, type BudgetLedgerOptions, type BudgetState, type PrivacyBudget, type PrivacyCost } from './budget-ledger.js';
export { PRIVATE_TRENDING_KINDS, statsCounts, trendingContributions, type PrivateTrendingKind, type StatsCounts, type TimeWindow } from './private-aggregates.js';
export { createPrivateReleases, releaseName, STATS_RELEASE, type DpConfig, type PrivateRelease, type PrivateReleases, type PrivateReleasesOptions, type ReleaseInfo } from './private-releases.js';
