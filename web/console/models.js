// Models: the saved versions with their offline metrics (GET /v1/admin/models), the training state, background
// models that could not be trained (GET /health), and a retrain button (POST /v1/admin/train).
import { $, api, el, markRendered, status, table } from './common.js';

export async function render(view) {
  const button = el('button', { id: 'retrain', type: 'button' }, 'Retrain now');
  view.append(
    el('section', { className: 'controls' }, button, el('span', { id: 'training' })),
    el('ul', { id: 'problems', className: 'problems' }),
    el('div', { id: 'versions' }),
  );
  button.addEventListener('click', () => void retrain());
  await show();
  markRendered('models');
}

async function show() {
  const [m, health] = await Promise.all([api('/v1/admin/models'), api('/health')]);
  const t = m.training;
  $('training').textContent = `serving ${m.serving === null ? 'models trained in this process (not saved)' : `v${m.serving}`} · retraining ${t.retraining} · ranker ${t.ranker} · behaviour ${t.behavior} · topics ${t.topics}${t.lastRetrainError ? ` · last retraining failed: ${t.lastRetrainError}` : ''}`;
  $('problems').replaceChildren(...health.problems.map((p) => el('li', {}, `${p.model} not available: ${p.reason}`)));
  const metric = (v) => (v.validation ? Object.entries(v.validation).map(([k, x]) => `${k} nDCG@10 ${Number(x['ndcg@10']).toFixed(3)}`).join(', ') : '–');
  const rows = m.versions.map((v) => [
    `v${v.version}${v.current ? ' (current)' : ''}`,
    v.createdAt.replace('T', ' ').slice(0, 16),
    v.models.map((x) => x.key).join(', '),
    `${v.data.users} × ${v.data.items}, ${v.data.interactions} interactions`,
    `${v.timings.fitSeconds.toFixed(1)} s`,
    metric(v),
  ]);
  $('versions').replaceChildren(m.versions.length ? table(['version', 'created', 'models', 'data', 'fit', 'validation'], rows, 'model versions') : el('p', {}, 'No saved model versions.'));
  return t.retraining;
}

async function retrain() {
  status('');
  try {
    await api('/v1/admin/train', { method: 'POST' });
    $('training').textContent = 'retraining running';
    // Poll until the new version is swapped in (or the retraining failed).
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      if ((await show()) !== 'running') break;
    }
  } catch (e) {
    status(e.message);
  }
}
