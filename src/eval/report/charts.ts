/**
 * @module Report charts as vega-lite specs (pure data → spec) and their server-side SVG rendering
 * (vega-lite `compile`, then a headless `vega.View` with `renderer: 'none'` and `toSVG()`).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { EvaluationResult, ModelResult } from '../evaluation-result.js';

const name = (m: ModelResult): string => m.label ?? m.id;

/** The headline accuracy metrics charted by model. */
export const CHART_METRICS = ['ndcg', 'map', 'precision', 'recall'] as const;

/** Bars of each headline metric per model, with ± one standard deviation over seeds as error bars. */
export function metricByModelSpec(result: EvaluationResult): TopLevelSpec {
  const values = result.models.flatMap((m) => CHART_METRICS.map((metric) => {
    const key = `${metric}@${result.k}`;
    const mean = m.metrics[key] ?? 0, sd = m.std[key] ?? 0;
    return { model: name(m), metric: key, mean, lo: mean - sd, hi: mean + sd };
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Accuracy by model (${result.protocol.ranking === 'sampled' ? `sampled, ${result.sampledNegatives} negatives` : 'full ranking'}; mean ± std over ${result.seeds.length} seed${result.seeds.length > 1 ? 's' : ''})`,
    data: { values },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    spec: {
      width: 130,
      height: 200,
      layer: [
        { mark: 'bar', encoding: { x: { field: 'model', type: 'nominal', title: null }, y: { field: 'mean', type: 'quantitative', title: 'value' }, color: { field: 'model', type: 'nominal', legend: null } } },
        { mark: { type: 'rule', color: 'black' }, encoding: { x: { field: 'model', type: 'nominal' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** NDCG@k (or another metric) against k, one line per model, from the `atK` curve. */
export function metricVsKSpec(result: EvaluationResult, metric = 'ndcg'): TopLevelSpec {
  const values = result.models.flatMap((m) => Object.entries(m.atK).map(([k, row]) => ({ model: name(m), k: Number(k), value: row[metric] ?? 0 })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${metric}@k by cut-off${result.protocol.ranking === 'sampled' ? ' (sampled)' : ''}`,
    width: 420,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'k', type: 'quantitative', scale: { type: 'log' }, axis: { values: result.ks } },
      y: { field: 'value', type: 'quantitative', title: `${metric}@k` },
      color: { field: 'model', type: 'nominal' },
    },
  };
}

/** Headline NDCG against fit time, one point per model. */
export function accuracyVsFitTimeSpec(result: EvaluationResult, metric = `ndcg@${result.k}`): TopLevelSpec {
  const values = result.models.map((m) => ({ model: name(m), fitSeconds: m.fitSeconds, value: m.metrics[metric] ?? 0 }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${metric} vs fit time`,
    width: 420,
    height: 260,
    data: { values },
    layer: [
      { mark: { type: 'point', filled: true, size: 80 }, encoding: { x: { field: 'fitSeconds', type: 'quantitative', title: 'fit seconds (symlog)', scale: { type: 'symlog' } }, y: { field: 'value', type: 'quantitative', title: metric }, color: { field: 'model', type: 'nominal' } } },
      { mark: { type: 'text', dx: 6, align: 'left' }, encoding: { x: { field: 'fitSeconds', type: 'quantitative', scale: { type: 'symlog' } }, y: { field: 'value', type: 'quantitative' }, text: { field: 'model' } } },
    ],
  };
}

/** Renders a vega-lite spec to an SVG string without a browser. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
