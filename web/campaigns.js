// Resonate campaigns page: spend and delivery of each sponsored campaign (GET /v1/admin/campaigns).
import { $, api, setupKey, tableRow } from './console/common.js';

// The console's key, kept for this tab, so moving between its pages does not ask again.
setupKey();

const money = (x) => Number(x).toFixed(2);
const pct = (x) => `${(100 * x).toFixed(2)} %`;

function render(items) {
  $('campaigns').replaceChildren(
    tableRow(['campaign', 'creative', 'status', 'bid / click', 'daily budget', 'today: impressions', 'clicks', 'spend', 'of budget', 'total: impressions', 'clicks', 'CTR', 'spend'], 'th'),
    ...items.map(({ campaign: c, today: t, totals: s }) => tableRow([
      c.id, c.postId, c.status, money(c.bid), money(c.dailyBudget),
      String(t.impressions), String(t.clicks), money(t.spend), pct(t.spend / c.dailyBudget),
      String(s.impressions), String(s.clicks), pct(s.ctr), money(s.spend),
    ])),
  );
  $('status').textContent = items.length === 0 ? 'No campaigns (POST /v1/admin/campaigns creates one).' : `${items.length} campaign(s).`;
}

async function show() {
  try {
    $('status').textContent = 'Loading…';
    render((await api('/v1/admin/campaigns')).items);
  } catch (e) {
    $('status').textContent = String(e.message ?? e);
  }
}

$('show').addEventListener('click', show);
void show();
