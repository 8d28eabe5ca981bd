/**
 * @module Writes an evaluation's files into a folder, each atomically: `result.json`, `report.md` and three
 * SVG charts (metric by model with error bars, metric vs k, accuracy vs fit time). `writeReportFolder` is the
 * writer itself, which the off-policy evaluation report uses too.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../../nn/safetensors.js';
import type { EvaluationResult } from '../evaluation-result.js';
import { accuracyVsFitTimeSpec, metricByModelSpec, metricVsKSpec, renderSvg } from './charts.js';
import { reportMarkdown } from './markdown.js';

export interface ReportFiles {
  json: string;
  markdown: string;
  charts: string[];
}

export interface ReportChart {
  readonly file: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

/** Writes a report folder: the charts rendered to SVG, `result.json` and `report.md` (made from the charts' list). */
export async function writeReportFolder(outDir: string, result: unknown, charts: readonly ReportChart[], markdownOf: (charts: readonly ReportChart[]) => string): Promise<ReportFiles> {
  mkdirSync(outDir, { recursive: true });
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const written: string[] = [];
  for (const c of charts) {
    const path = join(outDir, c.file);
    writeFileAtomic(path, text(await renderSvg(c.spec)));
    written.push(path);
  }
  const json = join(outDir, 'result.json');
  writeFileAtomic(json, text(`${JSON.stringify(result, null, 2)}\n`));
  const markdown = join(outDir, 'report.md');
  writeFileAtomic(markdown, text(markdownOf(charts)));
  return { json, markdown, charts: written };
}

export async function writeReport(result: EvaluationResult, outDir: string): Promise<ReportFiles> {
  return writeReportFolder(outDir, result, [
    { file: 'metric-by-model.svg', title: 'Accuracy by model', spec: metricByModelSpec(result) },
    { file: 'metric-vs-k.svg', title: 'NDCG by cut-off', spec: metricVsKSpec(result) },
    { file: 'accuracy-vs-fit-time.svg', title: 'Accuracy vs fit time', spec: accuracyVsFitTimeSpec(result) },
  ], (charts) => reportMarkdown(result, charts));
}
