// Resonate jobs page: queue depths and dead letters (GET /v1/admin/jobs), refreshed every 5 s.
const $ = (id) => document.getElementById(id);

async function api(path) {
  const key = $('api-key').value.trim();
  const res = await fetch(path, { headers: key ? { 'x-api-key': key } : {} });
  const body = await res.json();
  if (!res.ok) throw new Error(`${body.code}: ${body.message}`);
  return body;
}

function row(cells, tag = 'td') {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const el = document.createElement(tag);
    el.textContent = String(c);
    tr.append(el);
  }
  return tr;
}

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
    $('queues').replaceChildren(row(['queue', 'waiting', 'running', 'dead'], 'th'), ...r.queues.map((q) => row([q.name, q.waiting, q.active, q.dead])));
    $('dead').replaceChildren(
      row(['job', 'queue', 'key', 'attempts', 'failed at', 'error'], 'th'),
      ...(r.deadLetters.length === 0 ? [row(['none', '', '', '', '', ''])] : r.deadLetters.map((d) => row([d.id, d.name, d.key, d.attempts, d.failedAt ?? '–', d.error]))),
    );
  } catch (e) {
    $('status').textContent = e.message;
  }
}

$('refresh').addEventListener('click', load);
$('api-key').addEventListener('change', load);
setInterval(load, 5000);
load();
