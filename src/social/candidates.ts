/**
 * @module What every candidate generator shares: a scored candidate, the generator contract, and a sparse score
 * accumulator (a dense array reused across requests plus the list of users it touched), so scoring a user's
 * neighbourhood costs what the neighbourhood costs, not the size of the graph.
 */

/** A suggested account (dense user index) and its generator's score. */
export interface Candidate {
  readonly user: number;
  readonly score: number;
}

/** True for users who must not be suggested to this viewer (self, already followed, erased, blocked…). */
export type Excluded = (user: number) => boolean;

/** One viewer's scores from one generator: any user's score, and the best candidates. */
export interface Scores {
  /** v's score for this viewer (0 when v is not a candidate). */
  get(v: number): number;
  /** The k best candidates, best first (ties: smaller index first), none excluded, none with score ≤ 0. */
  top(k: number, excluded: Excluded): Candidate[];
}

export interface CandidateGenerator {
  readonly name: string;
  /** Scores user u's candidates; the view stays valid until this generator's next call (it reuses its buffers). */
  scores(u: number): Scores;
  /** Bytes the generator holds beyond the graph (vectors, score buffers). */
  readonly bytes?: number;
}

/** The k best candidates of u from one generator. */
export function candidatesOf(g: CandidateGenerator, u: number, k: number, excluded: Excluded): Candidate[] {
  return g.scores(u).top(k, excluded);
}

/** Scores of a sparse set of users over a dense array; `reset` clears only what was touched. */
export class ScoreAccumulator implements Scores {
  readonly scores: Float64Array;
  private readonly touched: Int32Array;
  private readonly mark: Uint8Array;
  private size = 0;

  constructor(n: number) {
    this.scores = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.mark = new Uint8Array(n);
  }

  add(v: number, x: number): void {
    if (this.mark[v] === 0) {
      this.mark[v] = 1;
      this.touched[this.size++] = v;
    }
    this.scores[v]! += x;
  }

  /** Sets v's score (v joins the touched users). */
  set(v: number, x: number): void {
    if (this.mark[v] === 0) {
      this.mark[v] = 1;
      this.touched[this.size++] = v;
    }
    this.scores[v] = x;
  }

  get(v: number): number {
    return this.scores[v]!;
  }

  /** Users touched since the last reset (in order of first touch). */
  users(): Int32Array {
    return this.touched.subarray(0, this.size);
  }

  /** The k best touched users not excluded, best first; ties break toward the smaller index. */
  top(k: number, excluded: Excluded): Candidate[] {
    return topCandidates(this.users(), (v) => this.scores[v]!, k, excluded);
  }

  reset(): void {
    for (let i = 0; i < this.size; i++) {
      const v = this.touched[i]!;
      this.scores[v] = 0;
      this.mark[v] = 0;
    }
    this.size = 0;
  }

  /** Bytes of the buffers. */
  get bytes(): number {
    return this.scores.byteLength + this.touched.byteLength + this.mark.byteLength;
  }
}

/** The k best of `users` by `score`, best first, ties toward the smaller index; excluded and non-positive dropped. */
export function topCandidates(users: ArrayLike<number>, score: (v: number) => number, k: number, excluded: Excluded): Candidate[] {
  if (k <= 0) return [];
  // A bounded min-heap keyed by (score, −index): the root is the worst kept candidate.
  const heapU = new Int32Array(k);
  const heapS = new Float64Array(k);
  let size = 0;
  const worse = (ua: number, sa: number, ub: number, sb: number): boolean => sa < sb || (sa === sb && ua > ub);
  for (let i = 0; i < users.length; i++) {
    const v = users[i]!;
    const s = score(v);
    // The exclusion test (binary searches, id lookups) runs only for a candidate that would enter the heap.
    if (!(s > 0) || (size === k && !worse(heapU[0]!, heapS[0]!, v, s)) || excluded(v)) continue;
    if (size < k) {
      let pos = size++;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (!worse(v, s, heapU[parent]!, heapS[parent]!)) break;
        heapU[pos] = heapU[parent]!;
        heapS[pos] = heapS[parent]!;
        pos = parent;
      }
      heapU[pos] = v;
      heapS[pos] = s;
    } else {
      let pos = 0;
      for (;;) {
        const l = 2 * pos + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && worse(heapU[r]!, heapS[r]!, heapU[l]!, heapS[l]!) ? r : l;
        if (!worse(heapU[c]!, heapS[c]!, v, s)) break;
        heapU[pos] = heapU[c]!;
        heapS[pos] = heapS[c]!;
        pos = c;
      }
      heapU[pos] = v;
      heapS[pos] = s;
    }
  }
  const out: Candidate[] = [];
  for (let i = 0; i < size; i++) out.push({ user: heapU[i]!, score: heapS[i]! });
  return out.sort((a, b) => b.score - a.score || a.user - b.user);
}
