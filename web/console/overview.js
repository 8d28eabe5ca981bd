// Overview: dataset counts, what serves, trending, and four time series drawn with uPlot from
// GET /v1/admin/timeseries (hour or day buckets, the window ending at the data's newest row).
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { $, api, el, fmt, markRendered, status } from './common.js';

const METRICS = [
  ['events', 'Events'],
  ['active_users', 'Active users'],
  ['impressions', 'Impressions'],
  ['engagement', 'Engagement (likes, shares, comments)'],
];
let plots = [];

export async function render(view) {
  const bucket = el('select', { id: 'bucket' }, el('option', { value: 'hour' }, 'per hour'), el('option', { value: 'day' }, 'per day'));
  view.append(
    el('dl', { id: 'counts', className: 'counts' }),
    el('p', { id: 'model-version', className: 'model-version' }),
    el('section', { id: 'trends' }, el('h2', {}, 'Trending'), el('ul', { id: 'trending-tags' }), el('ul', { id: 'trending-topics' })),
    el('section', { className: 'controls' }, el('label', { htmlFor: 'bucket' }, 'Activity'), bucket),
    el('div', { id: 'charts', className: 'charts' }),
  );
  $('counts').setAttribute('aria-label', 'dataset counts');
  bucket.addEventListener('change', () => void drawCharts(bucket.value));
  const stats = await api('/v1/stats');
  showCounts(stats);
  await drawCharts('hour');
  markRendered('overview');
  void loadTrends();
}

function showCounts(s) {
  $('counts').replaceChildren(...[['users', s.users], ['posts', s.posts], ['follows', s.follows], ['events', s.events]].map(([label, value]) => el('div', {}, el('dt', {}, label), el('dd', {}, fmt(value)))));
  const v = s.modelVersion;
  const version = v ? `model version v${v.version}, trained ${new Date(v.createdAt).toLocaleString()}` : 'models trained now (not saved)';
  const sources = (s.feedSources || []).map((x) => `${x.key} ×${x.weight}`).join(', ');
  const problems = (s.problems || []).map((p) => `${p.model} not available: ${p.reason}`);
  $('model-version').textContent = [version, sources && `sources ${sources}`, `ranker ${s.ranker}`, s.retraining !== 'idle' ? `retraining ${s.retraining}` : '', ...problems].filter(Boolean).join(' · ');
}

async function loadTrends() {
  try {
    const tags = await api('/v1/trending?kind=hashtags&limit=8');
    $('trending-tags').replaceChildren(...tags.items.map((t) => el('li', { className: 'tag' }, t.label)));
    const topics = await api('/v1/trending?kind=topics&limit=5');
    $('trending-topics').replaceChildren(...topics.items.map((t) => el('li', { className: 'topic' }, t.words.slice(0, 4).join(' · '))));
  } catch {
    // Topics are fitted in the background after training; until then only hashtags show.
  }
}

async function drawCharts(bucket) {
  for (const p of plots) p.destroy();
  plots = [];
  const box = $('charts');
  box.replaceChildren();
  let series;
  try {
    series = await Promise.all(METRICS.map(([metric]) => api(`/v1/admin/timeseries?metric=${metric}&bucket=${bucket}`)));
  } catch (e) {
    status(e.status === 403 || e.status === 401 ? `${e.message} (the charts need an admin key)` : e.message);
    return;
  }
  METRICS.forEach(([metric, title], i) => {
    const s = series[i];
    const total = s.points.reduce((n, p) => n + p.value, 0);
    const figure = el('figure', { className: 'chart' }, el('figcaption', {}, `${title}: ${fmt(total)} in the window`));
    figure.dataset.metric = metric;
    figure.dataset.points = String(s.points.length);
    figure.dataset.total = String(total);
    box.append(figure);
    const data = [s.points.map((p) => p.start / 1000), s.points.map((p) => p.value)];
    const opts = { width: chartWidth(figure), height: 170, legend: { show: false }, series: [{}, { label: title, stroke: '#3b5bdb', fill: '#3b5bdb22', width: 1.5 }], axes: [{}, { size: 50 }] };
    plots.push(new uPlot(opts, data, figure));
  });
}

function chartWidth(node) {
  return Math.max(240, Math.floor(node.getBoundingClientRect().width || node.parentElement.clientWidth) - 4);
}

window.addEventListener('resize', () => {
  for (const p of plots) p.setSize({ width: chartWidth(p.root.parentElement), height: 170 });
});
