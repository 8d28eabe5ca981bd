/** @module Text understanding: tokenizer, n-grams, TF-IDF, linear classifiers, sentiment, word2vec, topics, trends, query intent. */
export * from './tokenize.js';
export * from './ngrams.js';
export * from './murmur3.js';
export * from './vectorizer.js';
export * from './lbfgs.js';
export * from './logistic-regression.js';
export * from './nbsvm.js';
// Temperature scaling lives in math/ (the models use it too); the text namespace keeps exporting it.
export { fitTemperature, temperatureNll } from '../math/calibration.js';
export * from './sentiment/types.js';
export * from './sentiment/labels.js';
export * from './sentiment/metrics.js';
export { createLexiconModel, vaderCompound, probsToPredictions, type LexiconOptions } from './sentiment/lexicon.js';
export { trainLinearSentiment, DEFAULT_SENTIMENT_VECTORIZER, type LinearSentimentOptions } from './sentiment/linear.js';
export * from './sentiment/registry.js';
export * from './word2vec/model.js';
export * from './word2vec/train.js';
export * from './word2vec/io.js';
export * from './word2vec/doc-vectors.js';
export { word2vecKernel, type KernelArgs } from './word2vec/kernel.js';
export { word2vecBackend } from './word2vec/kernel-wasm.js';
export * from './topics/nmf.js';
export * from './topics/coherence.js';
export * from './trends.js';
export * from './query.js';
export * from './logistic-parallel.js';
export * from './sentiment/neural/index.js';
