/**
 * @module The report as markdown: the protocol in words, a model × metric table with ± std and fit time,
 * beyond-accuracy, the k-curve, and links to the charts.
 */
import type { EvaluationResult, ModelResult } from '../evaluation-result.js';

const ACCURACY = ['ndcg', 'map', 'map-rel', 'precision', 'recall', 'f1', 'mrr', 'hit'];
const BEYOND = ['coverage', 'gini', 'ild', 'novelty', 'popularity-bias'];

function fmt(x: number | undefined, digits = 4): string {
  return x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits);
}

function cell(m: ModelResult, key: string, seeds: number): string {
  const v = m.metrics[key];
  if (v === undefined) return '–';
  return seeds > 1 ? `${fmt(v)} ± ${fmt(m.std[key])}` : fmt(v);
}

export function reportMarkdown(result: EvaluationResult, charts: readonly { file: string; title: string }[] = []): string {
  const { k, seeds } = result;
  const n = seeds.length;
  const sampled = result.protocol.ranking === 'sampled';
  const lines: string[] = [];
  lines.push(`# Offline evaluation: ${result.protocol.name}${sampled ? ` (SAMPLED: ${result.sampledNegatives} negatives)` : ''}`, '');
  lines.push(`- **Protocol**: ${result.protocol.description}.`);
  lines.push(`- **Ranking**: ${sampled
    ? `sampled — each test user's held-out items ranked among ${result.sampledNegatives} items drawn uniformly from those the user never interacted with (SASRec protocol). Sampled metrics are optimistic and not comparable with full-ranking numbers.`
    : 'full — every item the user did not interact with in training is a candidate; seen items are excluded.'}`);
  lines.push(`- **Users**: ${result.protocol.users === 'warm' ? 'test users with at least one training interaction' : 'every test user'} (${fmt(result.evaluatedUsers, 0)} per seed).`);
  lines.push(`- **Data**: ${result.data.users} users, ${result.data.items} items, ${result.data.interactions} interactions; sha256 \`${result.data.fingerprint.slice(0, 16)}…\`.`);
  lines.push(`- **Seeds**: ${seeds.join(', ')}${n > 1 ? ' (mean ± sample std)' : ''}; k = ${k}.`);
  lines.push('- **Metrics**: binary relevance, Microsoft Recommenders definitions: precision@k = hits/k; recall@k = hits/|test|; NDCG@k with a log2 discount and IDCG over min(|test|, k); map@k = Σ precision at hits / min(|test|, k) (their `map_at_k`), map-rel@k divides by |test| (their `map`); AUC is per user, averaged.', '');

  lines.push(`## Accuracy at k = ${k}`, '');
  const acc = ACCURACY.map((m) => `${m}@${k}`).filter((key) => result.models.some((m) => key in m.metrics));
  const hasAuc = result.models.some((m) => 'auc' in m.metrics);
  const head = ['model', ...acc, ...(hasAuc ? ['auc'] : []), 'fit s', 'recommend s'];
  lines.push(`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const m of result.models) {
    const fit = n > 1 ? `${fmt(m.fitSeconds, 2)} ± ${fmt(m.std.fitSeconds, 2)}` : fmt(m.fitSeconds, 2);
    lines.push(`| ${m.label ?? m.id} | ${[...acc.map((key) => cell(m, key, n)), ...(hasAuc ? [cell(m, 'auc', n)] : []), fit, fmt(m.recommendSeconds, 2)].join(' | ')} |`);
  }
  lines.push('');

  const beyond = BEYOND.map((b) => `${b}@${k}`).filter((key) => result.models.some((m) => key in m.metrics));
  if (beyond.length) {
    lines.push(`## Beyond accuracy at k = ${k}`, '');
    lines.push('Coverage: share of the catalogue recommended to anyone. Gini: inequality of exposure (0 = even). ILD: 1 − mean pairwise cosine within a list (item co-occurrence vectors unless item vectors were given). Novelty: mean −log2 popularity. Popularity bias: mean popularity of recommended items ÷ catalogue mean.', '');
    lines.push(`| model | ${beyond.join(' | ')} |`, `| --- | ${beyond.map(() => '---:').join(' | ')} |`);
    for (const m of result.models) lines.push(`| ${m.label ?? m.id} | ${beyond.map((key) => cell(m, key, n)).join(' | ')} |`);
    lines.push('');
  }

  lines.push('## NDCG by cut-off', '');
  lines.push(`| model | ${result.ks.map((x) => `@${x}`).join(' | ')} |`, `| --- | ${result.ks.map(() => '---:').join(' | ')} |`);
  for (const m of result.models) lines.push(`| ${m.label ?? m.id} | ${result.ks.map((x) => fmt(m.atK[String(x)]?.ndcg)).join(' | ')} |`);
  lines.push('');

  if (charts.length) {
    lines.push('## Charts', '');
    for (const c of charts) lines.push(`![${c.title}](${c.file})`, '');
  }
  lines.push('## Parameters', '');
  for (const m of result.models) lines.push(`- **${m.label ?? m.id}**: \`${JSON.stringify(m.params)}\``);
  lines.push('', `_Generated ${result.createdAt} by Resonate's offline evaluation (\`result.json\` holds every number)._`, '');
  return lines.join('\n');
}
