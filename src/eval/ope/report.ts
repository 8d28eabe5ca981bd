/**
 * @module The OPE report: `result.json`, `report.md` (estimates with intervals, relative errors when the truth is
 * known, weight diagnostics, the method in words) and two SVG charts (estimates with their intervals beside the
 * on-policy value; the importance weights' histogram), each file written atomically.
 */
import type { TopLevelSpec } from 'vega-lite';
import { writeReportFolder, type ReportFiles } from '../report/write-report.js';
import { ESTIMATORS } from './estimators.js';
import type { OpeResult, OpeRun } from './run-ope.js';

const LABEL = { dm: 'DM', ips: 'IPS', snips: 'SNIPS', dr: 'DR', sndr: 'SNDR' } as const;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Each estimator's value and 95 % interval; rules at the on-policy value (solid) and the logged value (dashed). */
export function estimatesSpec(result: OpeResult): TopLevelSpec {
  const values = ESTIMATORS.map((e) => ({ estimator: LABEL[e], value: result.estimators[e].value, lo: result.estimators[e].ci[0], hi: result.estimators[e].ci[1] }));
  const x = { field: 'estimator', type: 'nominal', sort: ESTIMATORS.map((e) => LABEL[e]), title: null } as const;
  const refs = [
    ...(result.onPolicy !== undefined ? [{ y: result.onPolicy, dash: [1, 0], label: 'on-policy' }] : []),
    { y: result.loggedValue, dash: [4, 4], label: 'logged' },
  ];
  return {
    $schema: SCHEMA,
    title: `Estimated value of the policy (95 % bootstrap intervals, ${result.resamples} resamples)`,
    width: 360,
    height: 240,
    layer: [
      { data: { values }, mark: { type: 'rule', color: 'black' }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: `value per ${result.unit}`, scale: { zero: false } }, y2: { field: 'hi' } } },
      { data: { values }, mark: { type: 'point', filled: true, size: 80 }, encoding: { x, y: { field: 'value', type: 'quantitative' }, color: { field: 'estimator', type: 'nominal', legend: null } } },
      ...refs.map((r) => ({ data: { values: [r] }, layer: [
        { mark: { type: 'rule', strokeDash: r.dash, color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        { mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } } },
      ] })),
    ],
  } as TopLevelSpec;
}

/** Histogram of the importance weights π/propensity (pre-binned into 30 bins). */
export function weightsSpec(weight: Float64Array): TopLevelSpec {
  let max = 0;
  for (const w of weight) max = Math.max(max, w);
  const bins = 30, width = max > 0 ? max / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const w of weight) counts[Math.min(bins - 1, Math.floor(w / width))]! += 1;
  const values = counts.map((count, b) => ({ from: b * width, to: (b + 1) * width, count }));
  return {
    $schema: SCHEMA,
    title: 'Importance weights π(a | x, k) / propensity',
    width: 360,
    height: 200,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'from', type: 'quantitative', title: 'weight', bin: { binned: true, step: width } },
      x2: { field: 'to' },
      y: { field: 'count', type: 'quantitative', title: 'rows', scale: { type: 'symlog' } },
    },
  };
}

const f = (x: number, digits = 5): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');

export function opeMarkdown(result: OpeResult, charts: readonly { file: string; title: string }[] = []): string {
  const truth = result.onPolicy;
  const lines = ['# Off-policy evaluation', ''];
  lines.push(`- **Logs**: \`${result.logs}\`, ${result.rows} rows${result.unit === 'slate' ? ` in ${result.units} slates` : ''}; logged value ${f(result.loggedValue)} per ${result.unit}.`);
  lines.push(`- **Policy**: ${result.policy}${truth !== undefined ? `; its on-policy value: ${f(truth)}` : ''}.`);
  lines.push(`- **Unit**: ${result.unit === 'slot' ? 'single slot — each row is one decision, the value is the mean reward per row' : 'slate — rows sharing a slate id are one impression, the value is the summed reward per slate (position-based independence: each slot weighted by its own π/propensity; self-normalization per position)'}.`);
  lines.push(`- **Reward model** (DM, DR, SNDR): ${result.rewardModel === 'logistic' ? 'logistic' : 'least-squares'} regression on (action, position) indicators and the context, ridge λ = ${result.l2}, ${result.folds > 1 ? `${result.folds}-fold cross-fitted` : 'fitted on every row'}.`);
  lines.push(`- **Intervals**: 95 % percentile bootstrap, ${result.resamples} resamples of the ${result.unit === 'slot' ? 'rows' : 'slates'}, seed ${result.seed}; the reward model is not refitted per resample.`, '');
  const head = ['estimator', 'estimate', '95 % interval', ...(truth !== undefined ? ['relative error', 'interval covers truth'] : [])];
  lines.push(`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const e of ESTIMATORS) {
    const r = result.estimators[e];
    const extra = truth !== undefined ? [r.relativeError === undefined ? '–' : `${(100 * r.relativeError).toFixed(1)} %`, r.ci[0] <= truth && truth <= r.ci[1] ? 'yes' : 'no'] : [];
    lines.push(`| ${LABEL[e]} | ${f(r.value)} | [${f(r.ci[0])}, ${f(r.ci[1])}] | ${extra.join(' | ')}${extra.length ? ' |' : ''}`);
  }
  lines.push('', `**Weights**: mean ${f(result.weights.mean, 3)} (expected 1 when the policy stays within the logged support), max ${f(result.weights.max, 2)}, effective sample size (Σw)²/Σw² ${result.weights.effectiveSampleSize.toFixed(0)} of ${result.rows}, ${(100 * result.weights.zeroShare).toFixed(1)} % of rows weigh 0.`, '');
  if (charts.length) {
    lines.push('## Charts', '');
    for (const c of charts) lines.push(`![${c.title}](${c.file})`, '');
  }
  lines.push(`_Generated ${result.createdAt} by Resonate's off-policy evaluation (\`result.json\` holds every number)._`, '');
  return lines.join('\n');
}

export async function writeOpeReport(run: OpeRun, outDir: string): Promise<ReportFiles> {
  return writeReportFolder(outDir, run.result, [
    { file: 'estimates.svg', title: 'Estimates with 95 % intervals', spec: estimatesSpec(run.result) },
    { file: 'weights.svg', title: 'Importance weights', spec: weightsSpec(run.weight) },
  ], (charts) => opeMarkdown(run.result, charts));
}
