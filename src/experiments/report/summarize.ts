/**
 * @module An experiment's report from its users' outcomes: per arm the metrics with 95 % intervals clustered by
 * user, each treatment arm's difference from the control (the first arm) with its interval and the CUPED-adjusted
 * difference, catalogue and author coverage, and the sample-ratio check of the user counts.
 */
import { cupedDifference } from './cuped.js';
import { difference, estimate, ratioSample, ratioVariance, type Estimate, type RatioSample } from './intervals.js';
import type { ExperimentOutcomes, UserOutcome } from './outcomes.js';
import { sampleRatioCheck, type SampleRatioCheck } from './srm.js';

const DAY_MS = 86_400_000;

/** Each metric as a ratio of per-user sums (numerator / denominator); a per-user mean has denominator 1. */
const METRICS = {
  ctr: ['engaged', 'impressions'],
  likesPerImpression: ['likes', 'impressions'],
  sharesPerImpression: ['shares', 'impressions'],
  hidesPerImpression: ['hides', 'impressions'],
  reportsPerImpression: ['reports', 'impressions'],
  dwellSecondsPerImpression: ['dwellSeconds', 'impressions'],
  sessionDepth: ['impressions', 'sessions'],
  sessionsPerUserDay: ['sessions', 'days'],
} as const satisfies Record<string, readonly [keyof UserOutcome, keyof UserOutcome | 'days']>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export interface ArmReport {
  name: string;
  share: number;
  users: number;
  impressions: number;
  metrics: Record<MetricName, Estimate>;
  /** Distinct posts shown / posts in the store. */
  catalogueCoverage: number;
  /** Distinct authors of shown posts / authors with a post. */
  authorCoverage: number;
}

export interface Comparison {
  arm: string;
  metric: MetricName;
  /** Arm − control. */
  difference: Estimate;
  /** Difference / control value (NaN when the control is 0). */
  relative: number;
  cuped: { difference: Estimate; varianceReduction: number; theta: number };
}

export interface ExperimentReport {
  experiment: string;
  /** ISO instants of the window measured. */
  start: string;
  stop: string;
  control: string;
  arms: ArmReport[];
  comparisons: Comparison[];
  sampleRatio: SampleRatioCheck;
  crossovers: number;
}

function sample(users: readonly UserOutcome[], metric: MetricName, days: number): RatioSample {
  const [num, den] = METRICS[metric];
  return ratioSample(users.map((u) => u[num]), users.map((u) => (den === 'days' ? days : u[den])));
}

export function summarize(outcomes: ExperimentOutcomes, experiment: { name: string; arms: readonly { name: string; share: number }[] }): ExperimentReport {
  const days = Math.max(outcomes.stop - outcomes.start, 0) / DAY_MS;
  const rows = experiment.arms.map((a) => ({ arm: a, users: [...(outcomes.arms.get(a.name)?.users.values() ?? [])] }));
  const samples = rows.map((r) => Object.fromEntries(METRIC_NAMES.map((m) => [m, sample(r.users, m, days)])) as Record<MetricName, RatioSample>);
  const arms: ArmReport[] = rows.map((r, i) => {
    const posts = outcomes.arms.get(r.arm.name)?.posts ?? new Set<string>();
    const authors = new Set([...posts].map((p) => outcomes.authorOf.get(p)).filter((a) => a !== undefined));
    return {
      name: r.arm.name,
      share: r.arm.share,
      users: r.users.length,
      impressions: r.users.reduce((s, u) => s + u.impressions, 0),
      metrics: Object.fromEntries(METRIC_NAMES.map((m) => [m, estimate(samples[i]![m].value, ratioVariance(samples[i]![m]))])) as Record<MetricName, Estimate>,
      catalogueCoverage: outcomes.catalogue.posts > 0 ? posts.size / outcomes.catalogue.posts : 0,
      authorCoverage: outcomes.catalogue.authors > 0 ? authors.size / outcomes.catalogue.authors : 0,
    };
  });
  const covariate = rows.map((r) => r.users.map((u) => u.preEngagement));
  const comparisons: Comparison[] = [];
  for (let i = 1; i < rows.length; i++) {
    for (const m of METRIC_NAMES) {
      const t = samples[i]![m], c = samples[0]![m];
      const adjusted = cupedDifference({ sample: t, covariate: covariate[i]! }, { sample: c, covariate: covariate[0]! });
      const d = difference(t, c);
      comparisons.push({ arm: rows[i]!.arm.name, metric: m, difference: d, relative: c.value !== 0 ? d.value / c.value : NaN, cuped: adjusted });
    }
  }
  return {
    experiment: experiment.name,
    start: new Date(outcomes.start).toISOString(),
    stop: new Date(outcomes.stop).toISOString(),
    control: experiment.arms[0]!.name,
    arms,
    comparisons,
    sampleRatio: sampleRatioCheck(arms.map((a) => a.users), arms.map((a) => a.share)),
    crossovers: outcomes.crossovers,
  };
}
