/**
 * @module Full-text search on PostgreSQL: a `tsquery` built from plain terms, ranked by cover density.
 *
 * Index: `posts.search`, a generated `tsvector` of text and tags under the `simple` configuration (lower-cased
 * words, no stemming, no stop words, like SQLite's `unicode61` tokenizer; unlike it, diacritics are kept, so
 * `cafe` does not find `café`), with a GIN index.
 *
 * Query: the terms of `searchTerms` (letters, digits, `_`), each a quoted lexeme, joined with `|` (OR), as the
 * SQLite store joins them: operators and quotes in user input are never interpreted (a term holds no quote,
 * backslash or operator character), and a post matching more of the terms scores higher. `plainto_tsquery` and
 * `websearch_to_tsquery` are as safe but join the words with AND, so `bread AND (` would need a post containing
 * "and"; the contract asks for SQLite's OR.
 *
 * Ranking: `ts_rank_cd(search, query, 1)`, cover density divided by 1 + log(document length). Like BM25 it rewards
 * more occurrences of the terms and penalizes long documents, so a short post with the term twice ranks above a
 * long post with it once on both backends. Unlike BM25 it has no inverse document frequency (a rare term weighs
 * as much as a common one) and no term-frequency saturation, so orders can differ between the backends when the
 * query mixes rare and common terms; scores are on different scales and not comparable across backends.
 */
import { searchTerms } from '../search-terms.js';

/** Normalization 1 of ts_rank_cd: divide by 1 + log(document length). */
const RANK_NORMALIZATION = 1;

/** The `to_tsquery('simple', …)` text for a query, or '' when it has no term. */
export function toTsQuery(query: string): string {
  return searchTerms(query).map((t) => `'${t}'`).join(' | ');
}

/** SQL of a search: `$1` the tsquery text, `$2` the limit; selects the post columns and `score`. */
export function searchSql(postColumns: string): string {
  return `SELECT ${postColumns}, ts_rank_cd(p.search, q, ${RANK_NORMALIZATION}) AS score
    FROM posts p, to_tsquery('simple', $1) q
    WHERE p.search @@ q
    ORDER BY score DESC, p.seq
    LIMIT $2`;
}
