/**
 * @module `experimentReport`: the report of one configured experiment over its window so far (start to the
 * earlier of stop and now), read from the store's impression log and events.
 */
import { experimentWindow, type ExperimentConfig } from '../../core/config.js';
import { createError } from '../../core/errors.js';
import { collectOutcomes, type OutcomeStore } from './outcomes.js';
import { summarize, type ExperimentReport } from './summarize.js';

export type { ExperimentReport } from './summarize.js';
export { reportMarkdown } from './markdown.js';

export async function experimentReport(store: OutcomeStore, experiments: readonly ExperimentConfig[], name: string, now = Date.now()): Promise<ExperimentReport> {
  const experiment = experiments.find((x) => x.name === name);
  if (!experiment) throw createError('NOT_FOUND', { kind: 'experiment', id: name });
  const w = experimentWindow(experiment);
  const outcomes = await collectOutcomes(store, {
    name,
    arms: experiment.arms.map((a) => a.name),
    ...(Number.isFinite(w.start) ? { start: w.start } : {}),
    stop: Math.min(w.stop, now),
  });
  return summarize(outcomes, experiment);
}
