// Shared helpers of the console pages: the API call with the key typed in the header, element building, the
// first-render mark the browser test and `npm run bench -- console` read.
const KEY = 'resonate.apiKey';

export const $ = (id) => document.getElementById(id);

export function apiKey() {
  return $('api-key')?.value.trim() ?? '';
}

/** Keeps the key for this tab (sessionStorage), so moving between pages does not ask again. */
export function setupKey() {
  const input = $('api-key');
  if (!input) return;
  input.value = window.sessionStorage.getItem(KEY) ?? '';
  input.addEventListener('change', () => window.sessionStorage.setItem(KEY, input.value.trim()));
}

/** Calls the HTTP API with the key as `x-api-key`; an error answer throws `CODE: message`. */
export async function api(path, options = {}) {
  const key = apiKey();
  const headers = { ...(key ? { 'x-api-key': key } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(path, { method: options.method ?? 'GET', headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error(`${body.code}: ${body.message}`), { code: body.code, status: res.status });
  return body;
}

/** `el('p', { className: 'x' }, 'text', child)`: an element with properties and children (strings become text). */
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const c of children) if (c !== undefined && c !== null && c !== false) node.append(c);
  return node;
}

export const fmt = (n) => Number(n).toLocaleString('en');
export const when = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
export const link = (href, text) => el('a', { href }, text);
export const userLink = (id) => link(`#/users/${encodeURIComponent(id)}`, `@${id}`);
export const postLink = (id, text = id) => link(`#/posts/${encodeURIComponent(id)}`, text);

/** Marks the page as rendered with real data: time since navigation start, per page (read by tests and the bench). */
export function markRendered(page) {
  const t = performance.now();
  window.__consoleRender = { ...(window.__consoleRender ?? {}), [page]: t };
  document.body.dataset.rendered = page;
}

export function status(message) {
  $('status').textContent = message ? String(message) : '';
}

/** A table from a header row and rows of cells (strings or nodes), wrapped to scroll sideways on small screens. */
export function table(head, rows, label) {
  const t = el('table', { className: 'report' });
  if (label) t.setAttribute('aria-label', label);
  t.append(el('tr', {}, ...head.map((h) => el('th', {}, h))));
  for (const r of rows) t.append(el('tr', {}, ...r.map((c) => el('td', {}, c))));
  return el('div', { className: 'scroll' }, t);
}

/** A table row of text cells (`th` cells with `tag = 'th'`). */
export function tableRow(cells, tag = 'td') {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const cell = document.createElement(tag);
    cell.textContent = String(c);
    tr.append(cell);
  }
  return tr;
}
