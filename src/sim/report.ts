/**
 * @module The simulation report: `result.json`, `report.md` and two SVG charts (engagement rate by day, cumulative
 * regret against the planted-optimal policy), through the evaluation report's folder writer. Charts take one or
 * more results, so a comparison (fixed vs learning) is drawn on the same axes.
 */
import type { TopLevelSpec } from 'vega-lite';
import { writeReportFolder, type ReportChart, type ReportFiles } from '../eval/report/write-report.js';
import type { SimulationResult } from './simulate.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** One line per policy over the simulated days. */
function lineByDay(title: string, field: string, yTitle: string, values: readonly Record<string, string | number>[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 420,
    height: 260,
    data: { values: [...values] },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'day', type: 'quantitative', title: 'day' },
      y: { field, type: 'quantitative', title: yTitle },
      color: { field: 'policy', type: 'nominal' },
    },
  };
}

/** Engagement rate (engagements / impressions) of each simulated day, one line per policy. */
export function engagementRateSpec(results: readonly SimulationResult[]): TopLevelSpec {
  const values = results.flatMap((r) => r.days.map((d) => ({ policy: r.policy, day: d.day, rate: d.impressions > 0 ? d.engagements / d.impressions : 0 })));
  return lineByDay('Engagement rate by simulated day', 'rate', 'engagements / impressions', values);
}

/** Cumulative expected regret against the planted-optimal policy (a straight line is linear growth). */
export function cumulativeRegretSpec(results: readonly SimulationResult[]): TopLevelSpec {
  const values = results.flatMap((r) => {
    let sum = 0;
    return r.days.map((d) => ({ policy: r.policy, day: d.day, regret: (sum += d.regret) }));
  });
  return lineByDay('Cumulative regret vs the planted-optimal policy (expected engagements)', 'regret', 'cumulative regret', values);
}

/**
 * Growth exponent of cumulative regret R(d): the least-squares slope of ln R against ln d over the days after the
 * first (1: linear growth; below 1: sublinear). NaN with fewer than 3 days or a non-positive R.
 */
export function regretGrowthExponent(days: readonly { regret: number }[]): number {
  const xs: number[] = [], ys: number[] = [];
  let sum = 0;
  days.forEach((d, k) => {
    sum += d.regret;
    if (k > 0) {
      xs.push(Math.log(k + 1));
      ys.push(Math.log(sum));
    }
  });
  if (xs.length < 2 || ys.some((y) => !Number.isFinite(y))) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : NaN;
}

export function simulationMarkdown(r: SimulationResult, charts: readonly { file: string; title: string }[]): string {
  const t = r.totals;
  const lines = [
    `# Simulation: policy ${r.policy}`,
    '',
    `${r.days.length} simulated days on a synthetic network of ${r.setup.users} users (${r.setup.posts} posts, ${r.setup.follows} follows; seed ${r.seed}; ${r.setup.historyDays} days of history), pages of ${r.setup.pageSize}.`,
    '',
    `Totals: ${t.sessions} sessions, ${t.impressions} impressions, ${t.engagements} engagements (rate ${t.engagementRate.toFixed(4)}), ${t.hides} hides; expected engagements ${t.expectedEngagements.toFixed(1)}, cumulative regret ${t.regret.toFixed(1)} (growth exponent ${regretGrowthExponent(r.days).toFixed(2)}; 1 is linear).`,
    '',
    '| day | sessions | impressions | engagements | rate | hides | expected | oracle | regret |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.days.map((d) => `| ${d.day} | ${d.sessions} | ${d.impressions} | ${d.engagements} | ${(d.impressions ? d.engagements / d.impressions : 0).toFixed(4)} | ${d.hides} | ${d.expectedEngagements.toFixed(1)} | ${d.oracleEngagements.toFixed(1)} | ${d.regret.toFixed(1)} |`),
    '',
    ...charts.flatMap((c) => [`## ${c.title}`, '', `![${c.title}](${c.file})`, '']),
  ];
  return `${lines.join('\n')}\n`;
}

export function simulationCharts(results: readonly SimulationResult[]): ReportChart[] {
  return [
    { file: 'engagement-rate.svg', title: 'Engagement rate by day', spec: engagementRateSpec(results) },
    { file: 'cumulative-regret.svg', title: 'Cumulative regret', spec: cumulativeRegretSpec(results) },
  ];
}

/** Writes `DIR/result.json`, `DIR/report.md` and the charts. */
export function writeSimulationReport(result: SimulationResult, outDir: string): Promise<ReportFiles> {
  return writeReportFolder(outDir, result, simulationCharts([result]), (charts) => simulationMarkdown(result, charts));
}
