// User browser: search an id; their stored row and follow counts, newest events (GET /v1/admin/users/{id}), the
// behaviour prediction, their feed with "why this rank" bars, and whom they may follow.
import { $, api, el, fmt, markRendered, postLink, status, table, userLink, when } from './common.js';
import { feedItem } from './feed.js';

let cursor;
let current;

export async function render(view, id) {
  view.append(
    el('section', { className: 'controls' },
      el('label', { htmlFor: 'user-input' }, 'User'),
      el('input', { id: 'user-input', placeholder: 'user id', autocomplete: 'off' }),
      el('datalist', { id: 'user-list' }),
      el('button', { id: 'show-user', type: 'button' }, 'Show'),
      el('label', {}, el('input', { id: 'explain', type: 'checkbox' }), ' why this rank')),
    el('div', { id: 'user-profile', className: 'card' }),
    el('p', { id: 'behavior' }),
    el('div', { className: 'columns' },
      el('section', {}, el('h2', {}, 'Feed'), el('ol', { id: 'feed' }), el('button', { id: 'more', type: 'button', hidden: true }, 'More')),
      el('section', {}, el('h2', {}, 'Who to follow'), el('ul', { id: 'who-to-follow', className: 'plain' }), el('h2', {}, 'Recent events'), el('div', { id: 'history' }))),
  );
  $('user-input').setAttribute('list', 'user-list');
  $('behavior').setAttribute('aria-label', 'behaviour prediction');
  const go = () => { window.location.hash = `#/users/${encodeURIComponent($('user-input').value.trim())}`; };
  $('show-user').addEventListener('click', go);
  $('user-input').addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
  $('explain').addEventListener('change', () => void showFeed(false));
  $('more').addEventListener('click', () => void showFeed(true));
  const { items } = await api('/v1/users?limit=100');
  $('user-list').replaceChildren(...items.map((u) => el('option', { value: u.id })));
  const user = id || items[0]?.id;
  if (!user) return markRendered('users');
  $('user-input').value = user;
  current = user;
  // The page counts as rendered once the user's record and feed are on screen; who-to-follow and the behaviour
  // prediction fill in when they answer (the first who-to-follow request after a swap builds its index).
  void showBehavior(user);
  void showWhoToFollow(user);
  await Promise.all([showRecord(user), showFeed(false)]);
  markRendered('users');
}

async function showRecord(user) {
  try {
    const r = await api(`/v1/admin/users/${encodeURIComponent(user)}?limit=30`);
    const u = r.user;
    $('user-profile').replaceChildren(
      el('h2', {}, `@${u.id}`, u.name ? ` · ${u.name}` : ''),
      el('p', {}, `follows ${fmt(r.following)} · followed by ${fmt(r.followers)}${u.languages ? ` · reads ${u.languages.join(', ')}` : ''}${u.created_at ? ` · joined ${when(u.created_at)}` : ''}`),
      u.features ? el('p', { className: 'muted' }, Object.entries(u.features).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ')) : '',
    );
    $('history').replaceChildren(r.events.length
      ? table(['time', 'type', 'on'], r.events.map((e) => [when(e.timestamp), e.type, e.post ? postLink(e.post) : e.target_user ? userLink(e.target_user) : e.text ?? '']), 'recent events')
      : el('p', {}, 'No events.'));
  } catch (e) {
    $('user-profile').replaceChildren(el('p', {}, e.code === 'NOT_FOUND' ? `${user} is not stored (a new user gets the cold-start feed).` : e.message));
    $('history').replaceChildren();
  }
}

async function showFeed(more) {
  if (!current) return;
  if (!more) {
    cursor = undefined;
    $('feed').replaceChildren();
  }
  status('');
  try {
    const qs = new URLSearchParams({ limit: '20' });
    if (cursor) qs.set('cursor', cursor);
    if ($('explain').checked) qs.set('explain', 'full');
    const page = await api(`/v1/users/${encodeURIComponent(current)}/feed?${qs}`);
    $('feed').append(...page.items.map(feedItem));
    cursor = page.nextCursor;
    $('more').hidden = !cursor;
    if (!page.items.length && !more) status('Nothing to show for this user yet.');
  } catch (e) {
    status(e.message);
  }
}

async function showBehavior(user) {
  try {
    const b = await api(`/v1/users/${encodeURIComponent(user)}/behavior`);
    const next = Object.entries(b.nextAction).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([t, p]) => `${t} ${(100 * p).toFixed(0)}%`).join(' · ');
    $('behavior').textContent = `Likely next: ${next} — risk of going quiet this week: ${(100 * b.churnRisk).toFixed(0)}%`;
  } catch {
    // New users and a model still training have no prediction.
  }
}

async function showWhoToFollow(user) {
  try {
    const { items } = await api(`/v1/users/${encodeURIComponent(user)}/who-to-follow?limit=8`);
    $('who-to-follow').replaceChildren(...items.map((s) => el('li', {}, userLink(s.userId), el('span', { className: 'muted' }, ` ${s.reasons.join('; ')}`))));
    if (!items.length) $('who-to-follow').replaceChildren(el('li', { className: 'muted' }, 'No suggestions.'));
  } catch (e) {
    $('who-to-follow').replaceChildren(el('li', { className: 'muted' }, e.message));
  }
}
