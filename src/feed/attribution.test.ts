import { describe, expect, it } from 'vitest';
import { attribute, scoreOf, type ScoreParts } from './attribution.js';

const valueOf = (parts: ScoreParts, group: string): number => attribute(parts).contributions.find((c) => c.group === group)!.value;

describe('attribute', () => {
  it('splits a blended score worked out by hand: (0.6 + 0.2) · 0.75', () => {
    // v(∅)=0, v({a})=0.6, v({b})=0.2, v({f})=0, v({a,b})=0.8, v({a,f})=0.45, v({b,f})=0.15, v(N)=0.6.
    // φ_a = ⅓·0.6 + ⅙·(0.8−0.2) + ⅙·0.45 + ⅓·(0.6−0.15) = 0.2 + 0.1 + 0.075 + 0.15 = 0.525
    // φ_b = ⅓·0.2 + ⅙·(0.8−0.6) + ⅙·0.15 + ⅓·(0.6−0.45) = 0.0667 + 0.0333 + 0.025 + 0.05 = 0.175
    // φ_f = 0.6 − 0.525 − 0.175 = −0.1 (freshness takes a quarter of 0.8 away, shared with the sources)
    const parts: ScoreParts = { sources: { a: 0.6, b: 0.2 }, factors: { freshness: 0.75 } };
    const at = attribute(parts);
    expect(at.baseline).toBe(0);
    expect(at.score).toBeCloseTo(0.6, 12);
    expect(valueOf(parts, 'a')).toBeCloseTo(0.525, 12);
    expect(valueOf(parts, 'b')).toBeCloseTo(0.175, 12);
    expect(valueOf(parts, 'freshness')).toBeCloseTo(-0.1, 12);
    expect(at.contributions.map((c) => c.group)).toEqual(['a', 'b', 'freshness']);
  });

  it('gives each ranker head its difference from the head mean and scales the first stage', () => {
    const parts: ScoreParts = {
      sources: { a: 1 },
      factors: { freshness: 1 },
      rerank: { a: 0.5, b: 0.1, heads: { like: 0.3, hide: -0.2 }, headBaselines: { like: 0.1, hide: -0.05 } },
    };
    const at = attribute(parts);
    expect(at.baseline).toBeCloseTo(0.1 + 0.1 - 0.05, 12);
    expect(valueOf(parts, 'a')).toBeCloseTo(0.5, 12);
    expect(valueOf(parts, 'freshness')).toBeCloseTo(0, 12);
    expect(valueOf(parts, 'ranker:like')).toBeCloseTo(0.2, 12);
    expect(valueOf(parts, 'ranker:hide')).toBeCloseTo(-0.15, 12);
    expect(at.score).toBeCloseTo(0.5 + 0.1 + 0.3 - 0.2, 12);
  });

  it('is efficient: baseline + Σ contributions = score, for random parts', () => {
    let seed = 1;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let t = 0; t < 50; t++) {
      const sources = Object.fromEntries(Array.from({ length: 1 + (t % 5) }, (_, i) => [`s${i}`, rand()]));
      const parts: ScoreParts = {
        sources,
        factors: { freshness: 0.5 + rand() / 2 },
        ...(t % 2 ? { tailScale: rand() } : { rerank: { a: rand(), b: rand(), heads: { like: rand(), hide: -rand() }, headBaselines: { like: rand(), hide: -rand() } } }),
        ...(t % 3 === 0 ? { finalFactors: { 'negative-feedback': rand() } } : {}),
      };
      const at = attribute(parts);
      expect(at.baseline + at.contributions.reduce((s, c) => s + c.value, 0)).toBeCloseTo(scoreOf(parts), 12);
    }
  });
});

describe('attribute with a damping applied after the second stage', () => {
  it('splits (A + h)·d by hand: one source s, one head h, damping d', () => {
    // final = (a·s + b + h)·d with a=1, b=0, s=0.6 (source), h=0.2 (head above its baseline 0), d=0.5.
    // Players s, h, d. v(∅)=0, v(s)=0.6, v(h)=0.2, v(d)=0, v(s,h)=0.8, v(s,d)=0.3, v(h,d)=0.1, v(N)=0.4.
    // φ_s = ⅓·0.6 + ⅙·(0.8−0.2) + ⅙·(0.3−0) + ⅓·(0.4−0.1) = 0.2 + 0.1 + 0.05 + 0.1 = 0.45
    // φ_h = ⅓·0.2 + ⅙·(0.8−0.6) + ⅙·(0.1−0) + ⅓·(0.4−0.3) = 0.0667 + 0.0333 + 0.0167 + 0.0333 = 0.15
    // φ_d = 0.4 − 0.45 − 0.15 = −0.2
    const parts: ScoreParts = {
      sources: { s: 0.6 },
      factors: {},
      rerank: { a: 1, b: 0, heads: { like: 0.2 }, headBaselines: { like: 0 } },
      finalFactors: { 'negative-feedback': 0.5 },
    };
    const at = attribute(parts);
    expect(at.score).toBeCloseTo(0.4, 12);
    expect(valueOf(parts, 's')).toBeCloseTo(0.45, 12);
    expect(valueOf(parts, 'ranker:like')).toBeCloseTo(0.15, 12);
    expect(valueOf(parts, 'negative-feedback')).toBeCloseTo(-0.2, 12);
  });
});
