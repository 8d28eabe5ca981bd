/**
 * @module The per-arm ridge regressions of the contextual policies (the disjoint model of Li et al. 2010): for each
 * arm a, A_a = λI + Σ x xᵀ and b_a = Σ r x over its observed contexts, kept as A_a⁻¹ (updated by Sherman–Morrison,
 * O(d²) per event, no allocation), b_a and θ_a = A_a⁻¹ b_a, all in one Float64Array each (arm-major, row-major).
 *
 *     A⁻¹ ← A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x)
 */
export class LinearArms {
  /** K × d × d: each arm's A⁻¹. */
  readonly inverse: Float64Array;
  /** K × d: each arm's b. */
  readonly b: Float64Array;
  /** K × d: each arm's θ = A⁻¹b. */
  readonly theta: Float64Array;
  private readonly u: Float64Array;

  constructor(readonly arms: number, readonly dim: number, lambda: number) {
    this.inverse = new Float64Array(arms * dim * dim);
    this.b = new Float64Array(arms * dim);
    this.theta = new Float64Array(arms * dim);
    this.u = new Float64Array(dim);
    for (let a = 0; a < arms; a++) for (let i = 0; i < dim; i++) this.inverse[a * dim * dim + i * dim + i] = 1 / lambda;
  }

  /** Folds in one (context, reward) of `arm`: Sherman–Morrison on A⁻¹, then b and θ. */
  update(arm: number, x: Float64Array, xOffset: number, reward: number): void {
    const d = this.dim, m = this.inverse, u = this.u, base = arm * d * d;
    // u = A⁻¹x (A⁻¹ is symmetric), q = xᵀA⁻¹x.
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = base + i * d;
      for (let j = 0; j < d; j++) s += m[row + j]! * x[xOffset + j]!;
      u[i] = s;
      q += s * x[xOffset + i]!;
    }
    const scale = 1 / (1 + q);
    for (let i = 0; i < d; i++) {
      const ui = u[i]! * scale, row = base + i * d;
      for (let j = 0; j < d; j++) m[row + j]! -= ui * u[j]!;
    }
    const bb = arm * d;
    for (let i = 0; i < d; i++) this.b[bb + i]! += reward * x[xOffset + i]!;
    this.solveTheta(arm);
  }

  /** θ_a = A_a⁻¹ b_a. */
  solveTheta(arm: number): void {
    const d = this.dim, m = this.inverse, base = arm * d * d, bb = arm * d;
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = base + i * d;
      for (let j = 0; j < d; j++) s += m[row + j]! * this.b[bb + j]!;
      this.theta[bb + i] = s;
    }
  }

  /** θ_a · x. */
  mean(arm: number, x: Float64Array, xOffset: number): number {
    const d = this.dim, t = arm * d;
    let s = 0;
    for (let i = 0; i < d; i++) s += this.theta[t + i]! * x[xOffset + i]!;
    return s;
  }

  /** xᵀ A_a⁻¹ x. */
  variance(arm: number, x: Float64Array, xOffset: number): number {
    const d = this.dim, m = this.inverse, base = arm * d * d;
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = base + i * d;
      for (let j = 0; j < d; j++) s += m[row + j]! * x[xOffset + j]!;
      q += s * x[xOffset + i]!;
    }
    return Math.max(0, q);
  }
}
