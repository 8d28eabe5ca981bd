/**
 * @module What is serving: one snapshot with the models fitted on it and the feed built over them, swapped
 * as a whole (a request holds the set it started with, so it never mixes two versions).
 */
import type { Dataset } from '../data/dataset.js';
import type { Feed } from '../feed/create-feed.js';
import type { Recommender } from '../models/recommender.js';
import type { VersionManifest } from './model-versions.js';

export interface ServingSet {
  dataset: Dataset;
  models: ReadonlyMap<string, Recommender>;
  feed: Feed;
  /** The saved version served, undefined for a training that was not saved. */
  manifest: VersionManifest | undefined;
  /** When these models were trained. */
  trainedAt: Date;
}

export class ServingSlot {
  private set: ServingSet | undefined;
  /** Counts swaps: background work for an older set checks it before publishing. */
  generation = 0;

  get current(): ServingSet | undefined {
    return this.set;
  }

  swap(next: ServingSet): void {
    this.set = next;
    this.generation++;
  }

  /** Records the saved version of the serving set once it is written (after an unlearning). */
  replaceManifest(dataset: Dataset, manifest: VersionManifest): boolean {
    if (this.set?.dataset !== dataset) return false;
    this.set = { ...this.set, manifest };
    return true;
  }

  /** Replaces the feed of the serving set (when a background model becomes ready). */
  replaceFeed(feed: Feed): void {
    if (this.set) this.set = { ...this.set, feed };
  }
}
