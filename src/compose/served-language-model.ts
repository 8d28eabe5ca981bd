/**
 * @module The compose language model of a serving snapshot: trained on its newest `compose.maxPosts` posts with
 * text (by creation time), with the sizes of `compose.*`.
 */
import type { ResonateConfig } from '../core/config.js';
import type { Dataset } from '../data/dataset.js';
import { ComposeLanguageModel } from './language-model.js';

/** The texts of the newest `limit` posts with text, oldest first. */
export function newestTexts(dataset: Dataset, limit: number): string[] {
  const order: number[] = [];
  for (let i = 0; i < dataset.items.size; i++) if ((dataset.itemTexts[i] ?? '') !== '') order.push(i);
  order.sort((a, b) => dataset.itemCreatedAt[a]! - dataset.itemCreatedAt[b]! || a - b);
  return order.slice(-limit).map((i) => dataset.itemTexts[i]!);
}

export function fitComposeLanguageModel(dataset: Dataset, c: ResonateConfig['compose'], seed: number, signal?: AbortSignal): Promise<ComposeLanguageModel> {
  const options = { vocabSize: c.vocabSize, embeddingDim: c.embeddingDim, hidden: c.hidden, epochs: c.epochs, seed };
  return ComposeLanguageModel.fit(newestTexts(dataset, c.maxPosts), options, signal);
}
