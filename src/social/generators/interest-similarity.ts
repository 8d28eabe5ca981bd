/**
 * @module Interest similarity: accounts that engage with the same posts as the viewer. Each shared post counts
 * 1 / ln(2 + its audience), so a niche post says more than a hit (the inverse-user-frequency weighting of
 * Breese, Heckerman & Kadie 1998), and the sum is divided by √(|I_u|·|I_v|) so heavy users do not win by volume:
 *   sim(u, v) = Σ_{i ∈ I_u ∩ I_v} 1/ln(2 + |U_i|) / √(|I_u|·|I_v|).
 * Posts with more than `maxAudience` users are skipped: they carry almost no weight and would cost the most.
 */
import { csrTranspose, type Csr } from '../../math/csr.js';
import { ScoreAccumulator, type CandidateGenerator, type Scores } from '../candidates.js';

export interface InterestOptions {
  /** Skip posts with a larger audience (default 1000). */
  maxAudience?: number;
}

/** Users × posts engagement and its transpose, built once. */
export interface EngagementIndex {
  /** users × posts (any positive weight counts as engaging). */
  readonly byUser: Csr;
  /** posts × users. */
  readonly byPost: Csr;
}

export function engagementIndex(interactions: Csr): EngagementIndex {
  return { byUser: interactions, byPost: csrTranspose(interactions) };
}

export function interestSimilarity(engagement: EngagementIndex, nUsers: number, options: InterestOptions = {}): CandidateGenerator {
  const maxAudience = options.maxAudience ?? 1000;
  const { byUser, byPost } = engagement;
  const acc = new ScoreAccumulator(nUsers);
  const itemsOf = (u: number): number => (u < byUser.rows ? byUser.indptr[u + 1]! - byUser.indptr[u]! : 0);
  return {
    name: 'interest',
    scores(u: number): Scores {
      acc.reset();
      if (u >= byUser.rows) return acc;
      for (let p = byUser.indptr[u]!; p < byUser.indptr[u + 1]!; p++) {
        const i = byUser.indices[p]!;
        const a = byPost.indptr[i]!, b = byPost.indptr[i + 1]!;
        if (b - a > maxAudience) continue;
        const w = 1 / Math.log(2 + (b - a));
        for (let q = a; q < b; q++) acc.add(byPost.indices[q]!, w);
      }
      const nu = itemsOf(u);
      const users = acc.users();
      for (let j = 0; j < users.length; j++) {
        const v = users[j]!;
        acc.set(v, acc.get(v) / Math.sqrt(nu * itemsOf(v)));
      }
      return acc;
    },
  };
}
