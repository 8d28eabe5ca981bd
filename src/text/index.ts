/** @module Text understanding: tokenizer, n-grams, TF-IDF, linear classifiers, sentiment, word2vec, topics, trends, query intent. */
export * from './tokenize.js';
export * from './ngrams.js';
export * from './murmur3.js';
export * from './vectorizer.js';
export * from './lbfgs.js';
export * from './logistic-regression.js';
export * from './nbsvm.js';
export * from './calibration.js';
export * from './sentiment/types.js';
export * from './sentiment/labels.js';
export * from './sentiment/metrics.js';
export { createLexiconModel, vaderCompound, probsToPredictions, type LexiconOptions } from './sentiment/lexicon.js';
export { trainLinearSentiment, DEFAULT_SENTIMENT_VECTORIZER, type LinearSentimentOptions } from './sentiment/linear.js';
export * from './sentiment/registry.js';
