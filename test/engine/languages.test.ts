/**
 * Language awareness end to end: a post's language is identified at ingest when the client sends none (an unknown
 * code is UNKNOWN_LANGUAGE); Chinese posts are searchable, topic-modelled and recommended like English ones; a
 * user's languages filter or demote posts in other languages under `feed.languages`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { fitPostTopics } from '../../src/feed/trending-topics.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const HOUR = 3_600_000;

// Three subjects: machine learning and cooking in Chinese, gardening in English. No word is shared across them.
const SUBJECTS: Record<string, string[]> = {
  ml: [
    '机器学习模型需要大量数据来训练',
    '今天读了一篇关于深度学习模型的论文',
    '用神经网络训练模型，数据清洗最花时间',
    '深度学习和机器学习的区别是什么',
    '训练数据不够的时候，模型很容易过拟合',
    '神经网络的参数越多，需要的数据越多',
    '这个机器学习课程讲了很多模型训练技巧',
    '我们用深度学习模型识别图片里的数据',
  ],
  cook: [
    '周末在厨房包饺子，猪肉白菜馅最好吃',
    '这家面馆的牛肉面汤底特别香',
    '学会了做红烧肉，酱油和冰糖是关键',
    '厨房里炖了一锅牛肉，香味飘满屋子',
    '饺子皮要擀得薄一点，煮饺子要用大锅',
    '今天的晚饭是番茄炒蛋和一碗牛肉面',
    '红烧肉配米饭，周末厨房的最佳组合',
    '包饺子的时候全家人一起动手很热闹',
  ],
  garden: [
    'Planted tulip bulbs along the fence before the frost',
    'Compost heap is finally warm, the garden will thank me',
    'Pruned the roses and mulched the vegetable beds today',
    'Tomato seedlings on the windowsill are ready for the garden',
    'Watering the roses at dawn keeps the mildew away',
    'The compost and mulch made the vegetable beds so rich',
    'Tulip leaves are coming up through the mulch already',
    'Seedlings hardened off, the garden beds are waiting',
  ],
};

function posts(): { id: string; author: string; text: string; created_at: number; lang?: string }[] {
  const out: { id: string; author: string; text: string; created_at: number; lang?: string }[] = [];
  for (const [subject, texts] of Object.entries(SUBJECTS)) {
    texts.forEach((text, i) => out.push({ id: `${subject}${i}`, author: `w-${subject}`, text, created_at: T0 + i * HOUR }));
  }
  return out;
}

// Readers of each subject like its first five posts; the last three are theirs to discover.
const READERS: Record<string, string[]> = { ml: ['r1', 'r2', 'r3'], cook: ['r4', 'r5', 'r6'], garden: ['r7', 'r8', 'r9'] };

function likes(): { id: string; user: string; type: 'like'; post: string; timestamp: number }[] {
  const out: { id: string; user: string; type: 'like'; post: string; timestamp: number }[] = [];
  for (const [subject, readers] of Object.entries(READERS)) {
    for (const r of readers) for (let i = 0; i < 5; i++) out.push({ id: `${r}-${subject}${i}`, user: r, type: 'like', post: `${subject}${i}`, timestamp: T0 + 10 * HOUR + i });
  }
  return out;
}

let engine: Engine;
// A clock that moves (a fixed one would name every ranking by the same snapshot time, and reuse it).
const started = Date.now();
const clock = (): number => T0 + 24 * HOUR + (Date.now() - started);
const FEED = {
  sources: [{ id: 'content/tfidf', weight: 1 }, { id: 'popular/trending', weight: 0.5 }], similar: 'content/tfidf', materializeUsers: 0, authorCap: 10, cacheTtlSeconds: 0,
  exploration: { every: 0 },
};

beforeAll(async () => {
  engine = await createEngine({
    clock,
    overrides: {
      store: { url: 'sqlite://:memory:' },
      models: { ranker: false, behavior: false, validate: false },
      feed: FEED,
    },
  });
  const readers = Object.values(READERS).flat();
  await engine.ingest('users', [...['w-ml', 'w-cook', 'w-garden'].map((id) => ({ id })), ...readers.map((id) => ({ id }))]);
  await engine.ingest('posts', posts());
  await engine.ingest('events', likes());
  await engine.train({ save: false });
}, 60_000);

afterAll(() => engine.close());

describe('languages at ingest', () => {
  it('identifies the language of posts that came without one, and keeps one that was sent', async () => {
    expect((await engine.store.getPost('ml0'))!.lang).toBe('zh');
    expect((await engine.store.getPost('garden0'))!.lang).toBe('en');
    await engine.ingest('posts', [
      { id: 'sent', author: 'w-garden', text: 'Tulips again', lang: 'EN-gb', created_at: T0 },
      { id: 'short', author: 'w-garden', text: 'ok', created_at: T0 },
    ]);
    expect((await engine.store.getPost('sent'))!.lang).toBe('en-GB');
    expect((await engine.store.getPost('short'))!.lang).toBeUndefined();
  });

  it('refuses an unknown language code and writes nothing of the batch', async () => {
    const batch = [{ id: 'x1', author: 'w-ml', text: '你好', created_at: T0 }, { id: 'x2', author: 'w-ml', text: 'hi', lang: 'klingon', created_at: T0 }];
    await expect(engine.ingest('posts', batch)).rejects.toMatchObject({ code: 'UNKNOWN_LANGUAGE', statusCode: 400 });
    expect(await engine.store.getPost('x1')).toBeUndefined();
    await expect(engine.ingest('users', [{ id: 'r1', languages: ['zh', 'xx'] }])).rejects.toMatchObject({ code: 'UNKNOWN_LANGUAGE' });
  });
});

describe('Chinese posts', () => {
  it('are found by search for a word inside unspaced text', async () => {
    const hits = (await engine.search('深度学习')).map((h) => h.post.id);
    expect(hits.length).toBeGreaterThan(0);
    for (const id of hits) expect(id).toMatch(/^ml/);
    // Terms are OR-ed (深度, 学习): the posts holding both rank first.
    expect(new Set(hits.slice(0, 3))).toEqual(new Set(['ml1', 'ml3', 'ml7']));
    expect((await engine.search('饺子')).map((h) => h.post.id).sort()).toEqual(['cook0', 'cook4', 'cook7']);
    expect((await engine.search('mulch')).map((h) => h.post.id).sort()).toEqual(['garden5', 'garden6']);
  });

  it('are topic-modelled: each subject has its own topic, named by its words', () => {
    const topics = fitPostTopics(engine.dataset!, { k: 3, seed: 7, maxIter: 200 });
    const strongest = new Map<string, number[]>();
    topics.items.forEach((item, r) => {
      const id = engine.dataset!.items.id(item);
      const subject = id.replace(/\d+$/, '');
      if (!(subject in SUBJECTS)) return;
      const row = Array.from({ length: topics.k }, (_, t) => topics.mixtures[r * topics.k + t]!);
      strongest.set(subject, [...(strongest.get(subject) ?? []), row.indexOf(Math.max(...row))]);
    });
    // The topic most of a subject's posts belong to; most of its posts belong to it, and no two subjects share one.
    const majority = new Map([...strongest].map(([s, ts]) => {
      const counts = [0, 1, 2].map((t) => ts.filter((x) => x === t).length);
      expect(Math.max(...counts), s).toBeGreaterThanOrEqual(6);
      return [s, counts.indexOf(Math.max(...counts))];
    }));
    expect(new Set(majority.values()).size).toBe(3);
    expect(topics.words[majority.get('ml')!]).toContain('模型');
    expect(topics.words[majority.get('cook')!]).toEqual(expect.arrayContaining([expect.stringMatching(/饺子|牛肉|厨房|红烧肉/)]));
  });

  it('are recommended by content like English ones: readers get the unseen posts of their subject first', async () => {
    for (const [subject, readers] of Object.entries(READERS)) {
      for (const r of readers) {
        const top = (await engine.recommend(r, { k: 3, model: 'content/tfidf' })).map((x) => x.postId);
        expect(top.sort(), `${r} (${subject})`).toEqual([5, 6, 7].map((i) => `${subject}${i}`));
      }
    }
  });

  it('have similar posts in their own subject', async () => {
    const similar = (await engine.similarPosts('cook1', 3)).map((s) => s.postId);
    for (const id of similar) expect(id).toMatch(/^cook/);
  });
});

describe('a user\'s languages in the feed', () => {
  it('prefer (default) multiplies the score of posts in other languages by otherLanguageWeight, and only theirs', async () => {
    const scores = async (): Promise<Map<string, number>> => new Map((await engine.feed('r2', { pageSize: 50 })).items.map((i) => [i.postId, i.score]));
    const before = await scores();
    await engine.ingest('users', [{ id: 'r2', languages: ['en'] }]);
    const after = await scores();
    const ml = [...before.keys()].filter((id) => id.startsWith('ml'));
    const garden = [...before.keys()].filter((id) => id.startsWith('garden'));
    expect(ml.length).toBeGreaterThan(0);
    expect(garden.length).toBeGreaterThan(0);
    // (The clock moved a few ms between the rankings: freshness differs in the 8th digit.)
    for (const id of ml) expect(after.get(id)).toBeCloseTo(before.get(id)! * 0.5, 5);
    for (const id of garden) expect(after.get(id)).toBeCloseTo(before.get(id)!, 5);
  });

  it('filter leaves posts in other languages out; a region subtag reads its language', async () => {
    const filtering = await createEngine({
      clock,
      store: engine.store,
      overrides: { models: { ranker: false, behavior: false, validate: false }, feed: { ...FEED, languages: { policy: 'filter' } } },
    });
    try {
      await filtering.train({ save: false });
      await filtering.ingest('users', [{ id: 'r3', languages: ['en'] }]);
      const items = (await filtering.feed('r3', { pageSize: 50 })).items;
      expect(items.length).toBeGreaterThan(0);
      // English posts, and posts of no known language (the short "ok"), only.
      for (const i of items) expect((await engine.store.getPost(i.postId))!.lang ?? 'en').toMatch(/^en/);
      await filtering.ingest('users', [{ id: 'r3', languages: ['zh-Hans', 'en'] }]);
      expect((await filtering.feed('r3', { pageSize: 50 })).items.some((i) => i.postId.startsWith('ml'))).toBe(true);
    } finally {
      await filtering.close();
    }
  }, 60_000);
});
