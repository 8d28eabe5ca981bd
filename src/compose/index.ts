/**
 * @module Help for writing posts: hashtag suggestions for a draft, learned from the serving snapshot's posts.
 */
export { HashtagSuggester, MAX_DRAFT_CHARS, draftWords, hashtagsIn, type ComposeDoc, type HashtagSuggesterOptions, type HashtagSuggestion } from './hashtag-suggester.js';
export { suggesterFor } from './served-suggester.js';
