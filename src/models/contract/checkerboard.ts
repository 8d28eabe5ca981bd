/**
 * @module The checkerboard fixture of the Recommender contract: two groups of users × two groups of items, users
 * interact only within their group, one item per user held out. The right answer is known: the held-out item
 * is the user's only unseen same-group item, so a reasonable model ranks it first and ranks every other-group
 * item below every same-group item.
 *
 * Each post is authored by a user of its group and every user follows the other members of their group, so
 * social models (in-network) see the same block structure through the follow graph.
 */
import { buildDataset } from '../../data/dataset-builder.js';
import type { Dataset } from '../../data/dataset.js';
import type { Event, Follow, Post } from '../../data/schemas.js';

export interface Checkerboard {
  /** Training data (held-out interactions removed). */
  readonly dataset: Dataset;
  /** Group (0 or 1) of each dense user index. */
  readonly userGroup: Uint8Array;
  /** Group (0 or 1) of each dense item index. */
  readonly itemGroup: Uint8Array;
  /** Per dense user index: the held-out item (dense index). */
  readonly heldOut: Int32Array;
  /** Items per group. */
  readonly itemsPerGroup: number;
}

export interface CheckerboardOptions {
  /** Users per group (default 8). */
  usersPerGroup?: number;
  /** Items per group (default 6, at least 3). */
  itemsPerGroup?: number;
  /** Epoch ms of the first event (default 2024-01-01). */
  start?: number;
}

const HOUR = 3_600_000;

/**
 * Builds the fixture. User l of a group holds out item 1 + (l mod (m − 1)) of the group, never their own post
 * (post j of a group is written by user j of the group), so the held-out item's author is someone they follow.
 */
export function checkerboard(options: CheckerboardOptions = {}): Checkerboard {
  const nu = options.usersPerGroup ?? 8;
  const m = options.itemsPerGroup ?? 6;
  const start = options.start ?? Date.UTC(2024, 0, 1);
  if (m < 3 || nu < m) throw new RangeError('checkerboard: need itemsPerGroup ≥ 3 and usersPerGroup ≥ itemsPerGroup');
  const userId = (g: number, l: number): string => `g${g}-user${l}`;
  const postId = (g: number, j: number): string => `g${g}-post${j}`;
  const heldLocal = (l: number): number => 1 + (l % (m - 1));
  const users = [];
  const posts: Post[] = [];
  const follows: Follow[] = [];
  const events: Event[] = [];
  for (let g = 0; g < 2; g++) for (let l = 0; l < nu; l++) users.push({ id: userId(g, l) });
  for (let g = 0; g < 2; g++) {
    for (let j = 0; j < m; j++) {
      posts.push({ id: postId(g, j), author: userId(g, j), text: `post ${j} of group ${g}`, created_at: start + j * HOUR, tags: [`group${g}`] });
    }
    for (let a = 0; a < nu; a++) for (let b = 0; b < nu; b++) if (a !== b) follows.push({ follower: userId(g, a), followee: userId(g, b) });
  }
  let t = start + m * HOUR;
  for (let g = 0; g < 2; g++) {
    for (let l = 0; l < nu; l++) {
      for (let j = 0; j < m; j++) {
        if (j === heldLocal(l)) continue;
        events.push({ id: `e-${g}-${l}-${j}`, user: userId(g, l), type: 'like', post: postId(g, j), timestamp: (t += 60_000) });
      }
    }
  }
  const dataset = buildDataset({ users, posts, follows, events });
  const userGroup = new Uint8Array(dataset.users.size);
  const heldOut = new Int32Array(dataset.users.size);
  const itemGroup = new Uint8Array(dataset.items.size);
  for (let g = 0; g < 2; g++) {
    for (let l = 0; l < nu; l++) {
      const u = dataset.users.index(userId(g, l));
      userGroup[u] = g;
      heldOut[u] = dataset.items.index(postId(g, heldLocal(l)));
    }
    for (let j = 0; j < m; j++) itemGroup[dataset.items.index(postId(g, j))] = g;
  }
  return { dataset, userGroup, itemGroup, heldOut, itemsPerGroup: m };
}
