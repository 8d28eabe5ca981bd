// A feed page as the API serves it, each item with its reason and, with explain=full, the "why this rank" bars.
import { el, postLink, userLink } from './common.js';

export function feedItem(item) {
  const li = el('li');
  li.dataset.postId = item.postId;
  const author = item.post?.author;
  li.append(
    el('div', { className: 'post-meta' }, el('span', {}, author ? userLink(author) : '', ' ', postLink(item.postId)), el('span', { className: 'source' }, item.source)),
    el('p', { className: 'post-text' }, item.post?.text ?? ''),
    el('p', { className: 'why' }, item.explanation ?? ''),
  );
  if (item.attribution) li.append(attributionBars(item.attribution));
  return li;
}

/** What each source, freshness and ranker head added to the item's score: one bar each, negative ones to the left. */
export function attributionBars(at) {
  const list = el('ul', { className: 'attribution' });
  list.setAttribute('aria-label', 'score attribution');
  const widest = Math.max(...at.contributions.map((c) => Math.abs(c.value)), 1e-9);
  for (const c of at.contributions) {
    const bar = el('span', { className: c.value < 0 ? 'bar negative' : 'bar' });
    bar.style.width = `${(50 * Math.abs(c.value)) / widest}%`;
    list.append(el('li', {}, el('span', { className: 'group' }, c.group), bar, el('span', { className: 'value' }, c.value.toFixed(3))));
  }
  list.append(el('li', { className: 'baseline' }, `score ${at.score.toFixed(3)} = baseline ${at.baseline.toFixed(3)} + contributions`));
  return list;
}
