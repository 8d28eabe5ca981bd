// Resonate console: one page per hash route (#/overview, #/models, #/users/<id>, #/posts/<id>, #/search/<q>,
// #/moderation), each a module under console/ loaded on first visit. Talks to the HTTP API only, with the API key
// typed in the header sent as `x-api-key`.
import { $, setupKey, status } from './console/common.js';

const PAGES = {
  overview: ['Overview', () => import('./console/overview.js')],
  models: ['Models', () => import('./console/models.js')],
  users: ['Users', () => import('./console/users.js')],
  posts: ['Posts', () => import('./console/posts.js')],
  search: ['Search', () => import('./console/search.js')],
  moderation: ['Moderation', () => import('./console/moderation.js')],
};

let showing = 0;

async function route() {
  const [, name = 'overview', ...rest] = window.location.hash.split('/');
  const page = PAGES[name] ? name : 'overview';
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  const ticket = ++showing;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === page);
  document.title = `Resonate · ${PAGES[page][0]}`;
  delete document.body.dataset.rendered;
  status('');
  const view = document.createElement('div');
  view.id = 'view';
  $('view').replaceWith(view);
  try {
    const mod = await PAGES[page][1]();
    if (ticket === showing) await mod.render(view, arg);
  } catch (e) {
    if (ticket === showing) status(e.message ?? e);
  }
}

setupKey();
$('api-key').addEventListener('change', () => void route());
window.addEventListener('hashchange', () => void route());
await route();
