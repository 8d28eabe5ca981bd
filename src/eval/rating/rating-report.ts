/** @module The report of a rating evaluation: `result.json` and `report.md` (a model × metric table). */
import { writeReportFolder, type ReportFiles } from '../report/write-report.js';
import type { RatingEvaluationResult } from './run-rating-evaluation.js';

export function ratingReportMarkdown(result: RatingEvaluationResult): string {
  const f = (x: number, d = 4): string => x.toFixed(d);
  const lines = [
    `# Rating prediction: ${result.protocol.folds}-fold cross-validation`,
    '',
    `- **Protocol**: ${result.protocol.description}.`,
    `- **Data**: ${result.data.users} users, ${result.data.items} items, ${result.data.ratings} ratings (${Math.round(result.evaluatedRatings)} scored per fold); sha256 \`${result.data.fingerprint.slice(0, 16)}…\`.`,
    `- **Scale**: ${typeof result.protocol.scale === 'string' ? 'each training part\'s smallest and largest rating' : `${result.protocol.scale.min}–${result.protocol.scale.max}`}.`,
    '',
    '| model | RMSE | MAE | MSE | fit s (per fold) | fit CPU s | predict s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.models.map((m) => `| ${m.label ?? m.id} | ${f(m.metrics.rmse)} ± ${f(m.std.rmse)} | ${f(m.metrics.mae)} ± ${f(m.std.mae)} | ${f(m.metrics.mse)} | ${f(m.fitSeconds, 2)} | ${f(m.fitCpuSeconds, 2)} | ${f(m.predictSeconds, 3)} |`),
    '',
    '## Parameters',
    '',
    ...result.models.map((m) => `- **${m.label ?? m.id}**: \`${JSON.stringify(m.params)}\``),
    '',
    `_Generated ${result.createdAt} by Resonate's offline evaluation (\`result.json\` holds every number)._`,
    '',
  ];
  return lines.join('\n');
}

export async function writeRatingReport(result: RatingEvaluationResult, outDir: string): Promise<ReportFiles> {
  return writeReportFolder(outDir, result, [], () => ratingReportMarkdown(result));
}
