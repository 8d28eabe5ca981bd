// Resonate experiments page: the report of a configured experiment (GET /v1/admin/experiments/{name}).
import { $, api, setupKey, tableRow } from './console/common.js';

const num = (x, d = 4) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : Number(x).toFixed(d));
const interval = (e) => `${num(e.value)} [${num(e.low)}, ${num(e.high)}]`;
const pct = (x) => (x === null || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)} %`);

function render(r) {
  const metrics = Object.keys(r.arms[0].metrics);
  $('arms').replaceChildren(
    tableRow(['metric', ...r.arms.map((a) => a.name)], 'th'),
    tableRow(['users (share)', ...r.arms.map((a) => `${a.users} (${a.share})`)]),
    tableRow(['impressions', ...r.arms.map((a) => String(a.impressions))]),
    ...metrics.map((m) => tableRow([m, ...r.arms.map((a) => interval(a.metrics[m]))])),
    tableRow(['catalogue coverage', ...r.arms.map((a) => pct(a.catalogueCoverage))]),
    tableRow(['author coverage', ...r.arms.map((a) => pct(a.authorCoverage))]),
  );
  $('comparisons').replaceChildren(
    tableRow(['arm', 'metric', 'difference', 'relative', 'CUPED difference', 'variance reduction'], 'th'),
    ...r.comparisons.map((c) => tableRow([c.arm, c.metric, interval(c.difference), pct(c.relative), interval(c.cuped.difference), pct(c.cuped.varianceReduction)])),
  );
  const s = r.sampleRatio;
  $('srm').textContent = `${r.start} – ${r.stop} · sample ratio χ² ${num(s.chiSquare, 3)}, p = ${Number(s.pValue).toPrecision(3)}${s.mismatch ? ' — MISMATCH: the arms are not comparable' : ''}`;
  $('srm').className = s.mismatch ? 'mismatch' : '';
}

async function show() {
  $('status').textContent = '';
  const name = $('experiment').value;
  if (!name) return;
  try {
    render(await api(`/v1/admin/experiments/${encodeURIComponent(name)}`));
  } catch (e) {
    $('status').textContent = String(e.message ?? e);
  }
}

async function load() {
  $('status').textContent = '';
  try {
    const { items } = await api('/v1/admin/experiments');
    $('experiment').replaceChildren(...items.map((x) => Object.assign(document.createElement('option'), { value: x.name, textContent: `${x.name}${x.running ? ' (running)' : ''}` })));
    if (!items.length) $('status').textContent = 'No experiments in the configuration.';
    else await show();
  } catch (e) {
    $('status').textContent = String(e.message ?? e);
  }
}

$('show').addEventListener('click', show);
// The console's key, kept for this tab, so moving between its pages does not ask again.
setupKey();
await load();
