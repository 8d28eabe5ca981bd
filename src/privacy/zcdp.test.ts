import { describe, expect, it } from 'vitest';
import { rhoFor, zcdpEpsilon } from './zcdp.js';

describe('zCDP', () => {
  it('converts ρ to ε near the closed bound ρ + 2√(ρ·ln(1/δ)) and never above it', () => {
    for (const rho of [0.01, 0.1, 1]) {
      const eps = zcdpEpsilon(rho, 1e-6);
      expect(eps).toBeLessThanOrEqual(rho + 2 * Math.sqrt(rho * Math.log(1e6)));
      expect(eps).toBeGreaterThan(0.7 * (rho + 2 * Math.sqrt(rho * Math.log(1e6))));
    }
    expect(zcdpEpsilon(0, 1e-6)).toBe(0);
  });

  it('composes by adding ρ, which costs less than adding the ε', () => {
    const one = zcdpEpsilon(0.05, 1e-6);
    expect(zcdpEpsilon(10 * 0.05, 1e-6)).toBeLessThan(10 * one);
  });

  it('rhoFor inverts the conversion', () => {
    for (const eps of [0.5, 1, 3, 8]) {
      const rho = rhoFor(eps, 1e-6);
      expect(zcdpEpsilon(rho, 1e-6)).toBeLessThanOrEqual(eps);
      expect(zcdpEpsilon(rho, 1e-6)).toBeGreaterThan(eps * 0.999);
    }
  });
});
