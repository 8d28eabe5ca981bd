/**
 * @module Deterministic assignment of users to experiment arms: HMAC-SHA-256 keyed by the experiment's salt and
 * name over the user id, read as a number uniform in [0, 1), picks the arm whose cumulative share first passes
 * it. The same user always lands in the same arm (across restarts and processes); different experiments (another
 * name or salt) hash independently.
 */
import { createHmac } from 'node:crypto';
import { experimentWindow, type ExperimentConfig } from '../core/config.js';

/** The unit of randomisation's position in [0, 1): the top 48 bits of the HMAC, exactly representable in a double. */
export function assignmentPoint(experiment: Pick<ExperimentConfig, 'name' | 'salt'>, userId: string): number {
  const digest = createHmac('sha256', `${experiment.salt}:${experiment.name}`).update(userId).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The arm of a user in an experiment (whether or not it is running). */
export function assignArm(experiment: Pick<ExperimentConfig, 'name' | 'salt' | 'arms'>, userId: string): string {
  const u = assignmentPoint(experiment, userId);
  let cumulative = 0;
  for (const arm of experiment.arms) {
    cumulative += arm.share;
    if (u < cumulative) return arm.name;
  }
  // Shares sum to 1 within rounding: a point past the rounded total belongs to the last arm.
  return experiment.arms[experiment.arms.length - 1]!.name;
}

/** Whether the experiment serves at this instant (epoch ms): start ≤ at < stop. */
export function isRunning(experiment: Pick<ExperimentConfig, 'start' | 'stop'>, at: number): boolean {
  const w = experimentWindow(experiment);
  return at >= w.start && at < w.stop;
}

/** An exposure: the experiment serving a user and their arm. */
export interface Exposure {
  experiment: string;
  arm: string;
}

/** The impression log's label of an exposure. */
export function exposureLabel(e: Exposure): string {
  return `${e.experiment}:${e.arm}`;
}

/** The exposure of a user at an instant: the running experiment (windows never overlap) and their arm in it. */
export function exposureAt(experiments: readonly ExperimentConfig[], userId: string, at: number): Exposure | undefined {
  const x = experiments.find((e) => isRunning(e, at));
  return x ? { experiment: x.name, arm: assignArm(x, userId) } : undefined;
}
