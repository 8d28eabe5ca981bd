/**
 * @module The unlearning check every model with `forget` passes: fit on a planted network D, erase one user (their
 * events and their posts, with everyone's events on those posts), `forget`, and compare with a model fitted on D
 * built again without those events over the same ids: every other user's scores and every item's neighbours must
 * be equal (within `tolerance`, relative). The same holds for a model saved and loaded before forgetting. A model
 * fitted on D itself must differ, so the check can fail.
 */
import { expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { buildDataset } from '../../data/dataset-builder.js';
import { datasetWithout, type Removal } from '../../data/dataset-without.js';
import type { Event, Follow, Post } from '../../data/schemas.js';
import type { Recommendation, Recommender } from '../recommender.js';
import { createModel, decodeArtifact, encodeArtifact, loadModel } from '../registry.js';

export interface ErasureFixture {
  /** The full snapshot. */
  data: Dataset;
  /** What erasing `erased` removes from it. */
  removal: Removal;
  /** `data` minus the removal (`datasetWithout`). */
  without: Dataset;
  /** A snapshot built from scratch without the erased user's events and the events on their posts, same ids. */
  rebuilt: Dataset;
  erased: number;
}

const HOUR = 3_600_000;

/**
 * A small network with planted taste groups (users like posts of their group's topic), a few follows, and one
 * erased user who posted, liked and viewed; the latest event belongs to someone else, so `now` is the same in
 * the snapshot built again.
 */
export function erasureFixture(seed = 5): ErasureFixture {
  const rng = createRng(seed);
  const nUsers = 24, nPosts = 40, groups = 3, erasedId = 'u4';
  const t0 = Date.UTC(2026, 0, 1);
  const users = Array.from({ length: nUsers }, (_, u) => ({ id: `u${u}` }));
  const posts: Post[] = Array.from({ length: nPosts }, (_, i) => ({
    id: `p${i}`, author: `u${(i * 7) % nUsers}`, text: `post ${i}`, tags: [], created_at: t0 + i * HOUR,
  }) as Post);
  const follows: Follow[] = [];
  const events: Event[] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nPosts; i++) {
      const p = i % groups === u % groups ? 0.45 : 0.08;
      if (rng.next() < p) events.push({ id: `e${events.length}`, user: `u${u}`, post: `p${i}`, type: rng.next() < 0.5 ? 'like' : 'view', timestamp: t0 + (nPosts + rng.int(200)) * HOUR } as Event);
      if (rng.next() < 0.1) events.push({ id: `e${events.length}`, user: `u${u}`, post: `p${i}`, type: 'like', timestamp: t0 + (nPosts + rng.int(200)) * HOUR } as Event);
    }
    for (let v = 0; v < nUsers; v++) if (v !== u && rng.next() < 0.15) follows.push({ follower: `u${u}`, followee: `u${v}` } as Follow);
  }
  events.push({ id: 'e-last', user: 'u0', post: 'p1', type: 'like', timestamp: t0 + 300 * HOUR } as Event);
  const data = buildDataset({ users, posts, follows, events });
  const erased = data.users.index(erasedId);
  const gonePosts = new Set(posts.filter((p) => p.author === erasedId).map((p) => p.id));
  const removal: Removal = { users: [erased], items: [...gonePosts].map((id) => data.items.index(id)) };
  const rebuilt = buildDataset({
    users,
    posts,
    follows: follows.filter((f) => f.follower !== erasedId && f.followee !== erasedId),
    events: events.filter((e) => e.user !== erasedId && !gonePosts.has(e.post!)),
  });
  return { data, removal, without: datasetWithout(data, removal), rebuilt, erased };
}

/** Every user's full ranking (seen items included), by item. */
function allScores(m: Recommender, data: Dataset, skipUser: number): Map<number, number>[] {
  const out: Map<number, number>[] = [];
  for (let u = 0; u < data.users.size; u++) {
    if (u === skipUser) continue;
    out.push(new Map(m.recommend(u, { k: data.items.size, excludeSeen: false }).map((r) => [r.item, r.score])));
  }
  return out;
}

function neighbours(m: Recommender, data: Dataset): (Recommendation[] | undefined)[] {
  return Array.from({ length: data.items.size }, (_, i) => {
    try {
      return m.similarItems(i, data.items.size);
    } catch {
      return undefined;
    }
  });
}

function differences(a: Map<number, number>[], b: Map<number, number>[], tolerance: number): number {
  let bad = 0;
  for (let u = 0; u < a.length; u++) {
    if (a[u]!.size !== b[u]!.size) bad++;
    for (const [i, s] of a[u]!) {
      const t = b[u]!.get(i);
      if (t === undefined || Math.abs(s - t) > tolerance * Math.max(1, Math.abs(t))) bad++;
    }
  }
  return bad;
}

function similarByItem(list: (Recommendation[] | undefined)[]): Map<number, number>[] {
  return list.map((l) => new Map((l ?? []).map((r) => [r.item, r.score])));
}

/** Registers the checks for one model id (registered beforehand) with its params. */
export function runForgetContract(id: string, params: Record<string, unknown> = {}, options: { tolerance?: number } = {}): void {
  const tol = options.tolerance ?? 0;

  it(`${id}: the snapshot without the user equals one built without their events`, () => {
    const f = erasureFixture();
    expect(Array.from(f.without.interactions.indptr)).toEqual(Array.from(f.rebuilt.interactions.indptr));
    expect(Array.from(f.without.interactions.indices)).toEqual(Array.from(f.rebuilt.interactions.indices));
    expect(Array.from(f.without.interactions.data)).toEqual(Array.from(f.rebuilt.interactions.data));
    expect(Array.from(f.without.log.time)).toEqual(Array.from(f.rebuilt.log.time));
    expect(f.without.now).toBe(f.rebuilt.now);
  });

  it(`${id}: forget gives every other user the scores of a model fitted without the erased user`, async () => {
    const f = erasureFixture();
    const full = createModel(id, params);
    await full.fit(f.data, { seed: 1 });
    const reference = createModel(id, params);
    await reference.fit(f.rebuilt, { seed: 1 });
    const expected = allScores(reference, f.rebuilt, f.erased);
    // The erased user moved other users' scores, so the comparison below can fail.
    expect(differences(allScores(full, f.data, f.erased), expected, tol)).toBeGreaterThan(0);
    const restored = loadModel(decodeArtifact(encodeArtifact(full.save())));
    for (const m of [full, restored]) {
      m.forget!(f.without, f.removal);
      expect(differences(allScores(m, f.without, f.erased), expected, tol)).toBe(0);
      const got = similarByItem(neighbours(m, f.without)), want = similarByItem(neighbours(reference, f.rebuilt));
      expect(differences(got, want, tol)).toBe(0);
    }
  });
}
