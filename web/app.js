// Resonate dashboard: pick a user, see their feed with the reason for each post. Talks to the HTTP API only.
const $ = (id) => document.getElementById(id);
let cursor;
let currentUser;

function headers() {
  const key = $('api-key').value.trim();
  return key ? { 'x-api-key': key } : {};
}

async function api(path) {
  const res = await fetch(path, { headers: headers() });
  const body = await res.json();
  if (!res.ok) throw new Error(`${body.code}: ${body.message}`);
  return body;
}

function text(tag, className, content) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.textContent = content;
  return el;
}

async function loadCounts() {
  const s = await api('/v1/stats');
  const dl = $('counts');
  dl.replaceChildren();
  for (const [label, value] of [['users', s.users], ['posts', s.posts], ['follows', s.follows], ['events', s.events]]) {
    const d = document.createElement('div');
    d.append(text('dt', '', label), text('dd', '', Number(value).toLocaleString('en')));
    dl.append(d);
  }
  $('model-version').textContent = describeModels(s);
}

/** One line on what serves: the model version, when it was trained, its sources and the background models. */
function describeModels(s) {
  const v = s.modelVersion;
  const version = v ? `model version v${v.version}, trained ${new Date(v.createdAt).toLocaleString()}` : 'models trained now (not saved)';
  const metrics = v && v.validation ? Object.entries(v.validation).map(([k, m]) => `${k} nDCG@10 ${Number(m['ndcg@10']).toFixed(3)}`).join(', ') : '';
  const sources = (s.feedSources || []).map((x) => `${x.key} ×${x.weight}`).join(', ');
  // Background models that could not be trained, with the reason in plain words.
  const problems = (s.problems || []).map((p) => `${p.model} not available: ${p.reason}`);
  return [version, sources && `sources ${sources}`, metrics && `validation: ${metrics}`, `ranker ${s.ranker}`, s.retraining !== 'idle' ? `retraining ${s.retraining}` : '', ...problems].filter(Boolean).join(' · ');
}

async function loadTrends() {
  const tags = await api('/v1/trending?kind=hashtags&limit=8');
  $('trending-tags').replaceChildren(...tags.items.map((t) => text('li', 'tag', t.label)));
  try {
    const topics = await api('/v1/trending?kind=topics&limit=5');
    $('trending-topics').replaceChildren(...topics.items.map((t) => text('li', 'topic', t.words.slice(0, 4).join(' · '))));
  } catch {
    // Topics are fitted in the background after training; until then only hashtags show.
  }
}

async function loadUsers() {
  const { items } = await api('/v1/users?limit=100');
  $('user-list').replaceChildren(...items.map((u) => Object.assign(document.createElement('option'), { value: u.id })));
  if (items.length && !$('user-input').value) $('user-input').value = items[0].id;
}

async function showFeed(more = false) {
  const user = $('user-input').value.trim();
  if (!user) return;
  if (!more) {
    cursor = undefined;
    currentUser = user;
    $('feed').replaceChildren();
  }
  $('status').textContent = '';
  try {
    const qs = new URLSearchParams({ limit: '20' });
    if (cursor) qs.set('cursor', cursor);
    if ($('explain').checked) qs.set('explain', 'full');
    const page = await api(`/v1/users/${encodeURIComponent(currentUser)}/feed?${qs}`);
    page.items.forEach((item) => {
      const li = document.createElement('li');
      li.dataset.postId = item.postId;
      const meta = document.createElement('div');
      meta.className = 'post-meta';
      meta.append(text('span', '', item.post?.author ? `@${item.post.author}` : item.postId), text('span', 'source', item.source));
      li.append(meta, text('p', 'post-text', item.post?.text ?? ''), text('p', 'why', item.explanation));
      if (item.attribution) li.append(attributionBars(item.attribution));
      $('feed').append(li);
    });
    cursor = page.nextCursor;
    if (!more) showBehavior(currentUser);
    $('more').hidden = !cursor;
    if (!page.items.length && !more) $('status').textContent = 'Nothing to show for this user yet.';
  } catch (e) {
    $('status').textContent = String(e.message ?? e);
  }
}

/** What each source, freshness and ranker head added to the item's score: one bar each, negative ones to the left. */
function attributionBars(at) {
  const list = document.createElement('ul');
  list.className = 'attribution';
  list.setAttribute('aria-label', 'score attribution');
  const widest = Math.max(...at.contributions.map((c) => Math.abs(c.value)), 1e-9);
  for (const c of at.contributions) {
    const li = document.createElement('li');
    const bar = text('span', c.value < 0 ? 'bar negative' : 'bar', '');
    bar.style.width = `${(50 * Math.abs(c.value)) / widest}%`;
    li.append(text('span', 'group', c.group), bar, text('span', 'value', c.value.toFixed(3)));
    list.append(li);
  }
  list.append(text('li', 'baseline', `score ${at.score.toFixed(3)} = baseline ${at.baseline.toFixed(3)} + contributions`));
  return list;
}

async function showBehavior(user) {
  const el = $('behavior');
  el.textContent = '';
  try {
    const b = await api(`/v1/users/${encodeURIComponent(user)}/behavior`);
    const next = Object.entries(b.nextAction).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([t, p]) => `${t} ${(100 * p).toFixed(0)}%`).join(' · ');
    el.textContent = `Likely next: ${next} — risk of going quiet this week: ${(100 * b.churnRisk).toFixed(0)}%`;
  } catch {
    // New users and a model still training have no prediction; the feed is what matters.
  }
}

$('show-feed').addEventListener('click', () => showFeed(false));
$('more').addEventListener('click', () => showFeed(true));
$('user-input').addEventListener('keydown', (e) => { if (e.key === 'Enter') showFeed(false); });

try {
  await loadCounts();
  await loadTrends();
  await loadUsers();
  await showFeed(false);
} catch (e) {
  $('status').textContent = String(e.message ?? e);
}
