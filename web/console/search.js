// Search: posts, people or hashtags through GET /v1/search (the query syntax of the API: "phrases", -not, #tags,
// @mentions, from:, since:, until:, lang:).
import { $, api, el, fmt, markRendered, postLink, status, userLink, when } from './common.js';

export async function render(view, q) {
  view.append(
    el('section', { className: 'controls' },
      el('label', { htmlFor: 'search-input' }, 'Search'),
      el('input', { id: 'search-input', placeholder: 'words, #tags, @people, from:, since:', autocomplete: 'off' }),
      el('select', { id: 'search-type' }, ...['posts', 'users', 'hashtags'].map((t) => el('option', { value: t }, t))),
      el('button', { id: 'search-go', type: 'button' }, 'Search')),
    el('ol', { id: 'search-results' }),
  );
  const [text, type] = (q ?? '').split('|');
  const go = () => { window.location.hash = `#/search/${encodeURIComponent($('search-input').value.trim())}|${$('search-type').value}`; };
  $('search-go').addEventListener('click', go);
  $('search-input').addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
  let query = text;
  if (!query) query = (await api('/v1/trending?kind=hashtags&limit=1')).items[0]?.label ?? '';
  $('search-input').value = query;
  if (type) $('search-type').value = type;
  if (query) await search(query, $('search-type').value);
  markRendered('search');
}

async function search(q, type) {
  try {
    const { items } = await api(`/v1/search?${new URLSearchParams({ q, type, limit: '20' })}`);
    $('search-results').replaceChildren(...items.map((it) => {
      if (it.post) return el('li', {}, el('div', { className: 'post-meta' }, el('span', {}, userLink(it.post.author), ' ', postLink(it.post.id), ` · ${when(it.post.created_at)}`), el('span', { className: 'source' }, it.score.toFixed(4))), el('p', { className: 'post-text' }, it.post.text));
      if (it.user) return el('li', {}, userLink(it.user.id), it.user.name ? ` ${it.user.name}` : '', el('span', { className: 'muted' }, ` · ${fmt(it.posts ?? 0)} posts`));
      return el('li', {}, el('a', { href: `#/search/${encodeURIComponent(`#${it.tag}`)}|posts` }, `#${it.tag}`), el('span', { className: 'muted' }, ` · ${fmt(it.posts ?? 0)} posts`));
    }));
    if (!items.length) status('No results.');
  } catch (e) {
    status(e.message);
  }
}
