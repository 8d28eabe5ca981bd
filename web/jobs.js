// Resonate jobs page: queue depths and dead letters (GET /v1/admin/jobs), refreshed every 5 s.
import { $, api, setupKey, tableRow } from './console/common.js';

// The console's key, kept for this tab, so moving between its pages does not ask again.
setupKey();

async function load() {
  try {
    const r = await api('/v1/admin/jobs');
    if (r.backend === 'none') {
      $('status').textContent = 'No job queue configured (jobs.backend is none): the serving processes train and apply retention themselves.';
      $('queues').replaceChildren();
      $('dead').replaceChildren();
      return;
    }
    $('status').textContent = `Backend: ${r.backend} · updated ${new Date().toLocaleTimeString()}`;
    $('queues').replaceChildren(tableRow(['queue', 'waiting', 'running', 'dead'], 'th'), ...r.queues.map((q) => tableRow([q.name, q.waiting, q.active, q.dead])));
    $('dead').replaceChildren(
      tableRow(['job', 'queue', 'key', 'attempts', 'failed at', 'error'], 'th'),
      ...(r.deadLetters.length === 0 ? [tableRow(['none', '', '', '', '', ''])] : r.deadLetters.map((d) => tableRow([d.id, d.name, d.key, d.attempts, d.failedAt ?? '–', d.error]))),
    );
  } catch (e) {
    $('status').textContent = e.message;
  }
}

$('refresh').addEventListener('click', load);
$('api-key').addEventListener('change', load);
setInterval(load, 5000);
load();
