// Post browser: a post, the events it received by type, its moderation state with a take-down action
// (GET /v1/admin/posts/{id}, POST /v1/admin/posts/{id}/takedown), and similar posts.
import { $, api, el, fmt, markRendered, postLink, status, userLink, when } from './common.js';

export async function render(view, id) {
  view.append(
    el('section', { className: 'controls' },
      el('label', { htmlFor: 'post-input' }, 'Post'),
      el('input', { id: 'post-input', placeholder: 'post id', autocomplete: 'off' }),
      el('button', { id: 'show-post', type: 'button' }, 'Show')),
    el('div', { id: 'post', className: 'card' }),
    el('dl', { id: 'post-counts', className: 'counts' }),
    el('p', { id: 'post-moderation' }),
    el('h2', {}, 'Similar posts'),
    el('ol', { id: 'similar' }),
  );
  const go = () => { window.location.hash = `#/posts/${encodeURIComponent($('post-input').value.trim())}`; };
  $('show-post').addEventListener('click', go);
  $('post-input').addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
  let post = id;
  if (!post) post = (await api('/v1/trending?kind=posts&limit=1')).items[0]?.postId;
  if (!post) return markRendered('posts');
  $('post-input').value = post;
  await Promise.all([showPost(post), showSimilar(post)]);
  markRendered('posts');
}

async function showPost(id) {
  try {
    const r = await api(`/v1/admin/posts/${encodeURIComponent(id)}`);
    const p = r.post;
    $('post').replaceChildren(
      el('div', { className: 'post-meta' }, el('span', {}, userLink(p.author), ` · ${when(p.created_at)}`), el('span', { className: 'source' }, p.id)),
      el('p', { className: 'post-text' }, p.text),
      el('p', { className: 'muted' }, [p.tags.length ? p.tags.map((t) => `#${t}`).join(' ') : '', p.reply_to ? 'a reply to ' : ''].join(' '), p.reply_to ? postLink(p.reply_to) : ''),
    );
    const counts = Object.entries(r.events).sort((a, b) => b[1] - a[1]);
    $('post-counts').replaceChildren(...[...counts, ['replies', r.replies]].map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, fmt(v)))));
    showModeration(id, r);
  } catch (e) {
    $('post').replaceChildren(el('p', {}, e.message));
  }
}

function showModeration(id, r) {
  const signal = r.offensive === null ? 'no offensive-language score' : `offensive probability ${r.offensive.toFixed(2)}${r.flagged ? ' — flagged for review' : ''}`;
  const box = $('post-moderation');
  box.replaceChildren(r.takenDown ? el('strong', {}, 'Taken down') : 'Visible', ` · ${signal} `);
  box.className = r.takenDown || r.flagged ? 'alert' : '';
  if (!r.takenDown) {
    const b = el('button', { type: 'button', className: 'danger' }, 'Take down');
    b.addEventListener('click', async () => {
      try {
        await api(`/v1/admin/posts/${encodeURIComponent(id)}/takedown`, { method: 'POST', body: { reason: 'console' } });
        await showPost(id);
      } catch (e) {
        status(e.message);
      }
    });
    box.append(b);
  }
}

async function showSimilar(id) {
  try {
    const { items } = await api(`/v1/posts/${encodeURIComponent(id)}/similar?limit=8`);
    $('similar').replaceChildren(...items.map((s) => el('li', {}, postLink(s.postId), ` ${s.score.toFixed(3)} `, el('span', { className: 'muted' }, s.post?.text.slice(0, 120) ?? ''))));
    if (!items.length) $('similar').replaceChildren(el('li', { className: 'muted' }, 'No similar posts.'));
  } catch (e) {
    $('similar').replaceChildren(el('li', { className: 'muted' }, e.message));
  }
}
