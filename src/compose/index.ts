/**
 * @module Help for writing posts: hashtag suggestions for a draft, learned from the serving snapshot's posts, and
 * completions of the draft from a small language model of those posts.
 */
export { HashtagSuggester, MAX_DRAFT_CHARS, draftWords, hashtagsIn, type ComposeDoc, type HashtagSuggesterOptions, type HashtagSuggestion } from './hashtag-suggester.js';
export { suggesterFor } from './served-suggester.js';
export { ComposeLanguageModel, detokenize, lmWords, type LanguageModelOptions } from './language-model.js';
export { completeDraft, sampleContinuations, type Completion, type CompletionOptions, type CompletionResult, type OffensiveFilter } from './completions.js';
export { drawToken, sampleNext, temperatureProbs, topPFilter } from './sampling.js';
export { fitComposeLanguageModel, newestTexts } from './served-language-model.js';
export { normalizeReply, ReplyEncoder, replyTokens, REPLY_ENCODER_DEFAULTS, type ReplyEncoderOptions, type ReplyPair } from './reply-encoder.js';
export { pickDiverse, rankingAccuracy, ReplySuggester, responseSet, REPLY_SUGGESTER_DEFAULTS, type ReplyAnswer, type ReplySuggesterOptions, type ReplySuggestion } from './reply-suggester.js';
