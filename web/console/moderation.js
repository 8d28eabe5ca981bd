// Moderation queue: reported posts and accounts, and posts the offensive-language signal flagged
// (GET /v1/admin/reports), with a take-down action per post (POST /v1/admin/posts/{id}/takedown).
import { $, api, el, fmt, markRendered, postLink, status, table, userLink, when } from './common.js';

export async function render(view) {
  view.append(
    el('h2', {}, 'Reported posts'), el('div', { id: 'reported-posts' }),
    el('h2', {}, 'Reported accounts'), el('div', { id: 'reported-accounts' }),
    el('h2', {}, 'Flagged by the moderation signal'), el('div', { id: 'flagged' }),
  );
  await show();
  markRendered('moderation');
}

async function show() {
  const q = await api('/v1/admin/reports?limit=50');
  $('reported-posts').replaceChildren(q.posts.length
    ? table(['post', 'text', 'reporters', 'last report', 'reasons', ''], q.posts.map((r) => [postLink(r.post.id), r.post.text.slice(0, 140), fmt(r.reporters), r.lastReportedAt ? when(r.lastReportedAt) : '', (r.reasons ?? []).join(', '), takeDownButton(r.post.id)]), 'reported posts')
    : el('p', { className: 'muted' }, 'No open reports.'));
  $('reported-accounts').replaceChildren(q.accounts.length
    ? table(['account', 'reports', 'reporters'], q.accounts.map((r) => [userLink(r.user), fmt(r.reports), fmt(r.reporters)]), 'reported accounts')
    : el('p', { className: 'muted' }, 'No reported accounts.'));
  $('flagged').replaceChildren(q.flagged.length
    ? table(['post', 'text', 'offensive', ''], q.flagged.map((r) => [postLink(r.post.id), r.post.text.slice(0, 140), r.offensive.toFixed(2), takeDownButton(r.post.id)]), 'flagged posts')
    : el('p', { className: 'muted' }, 'Nothing flagged (or moderation.reviewAbove is not set).'));
}

function takeDownButton(id) {
  const b = el('button', { type: 'button', className: 'danger' }, 'Take down');
  b.addEventListener('click', async () => {
    try {
      await api(`/v1/admin/posts/${encodeURIComponent(id)}/takedown`, { method: 'POST', body: { reason: 'moderation queue' } });
      await show();
    } catch (e) {
      status(e.message);
    }
  });
  return b;
}
