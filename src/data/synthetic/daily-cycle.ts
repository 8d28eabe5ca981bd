/**
 * @module Time of day in the synthetic network: each user has a preferred hour, and their activity follows a
 * daily cycle around it mixed with a global evening peak.
 *
 * Hour of an action by user u (UTC, wrapped to [0, 24)):
 *   h ~ N(h_u, 1.5²)        with probability 1 − EVENING_SHARE (the user's own rhythm),
 *   h ~ N(20.5, 1.5²)       with probability EVENING_SHARE     (everyone's evening scroll).
 * The preferred hour h_u itself is drawn from `PREFERRED_HOUR_WEIGHTS` (few night owls, a morning commute bump,
 * lunch, and most weight in the evening) plus a uniform minute.
 */
import { AliasTable, type Rng } from '../../core/rng.js';

/** Relative weight of each hour 0–23 as a user's preferred hour (a typical social-app day, UTC). */
export const PREFERRED_HOUR_WEIGHTS: readonly number[] = [
  0.4, 0.2, 0.08, 0.05, 0.05, 0.1, // 00–05: night
  0.4, 1.0, 1.2, 1.0, 0.8, 0.9,    // 06–11: morning commute bump
  1.2, 1.1, 0.8, 0.8, 0.9, 1.1,    // 12–17: lunch, afternoon
  1.5, 1.8, 2.0, 2.0, 1.6, 1.0,    // 18–23: evening
];

/** Share of actions that follow the global evening peak instead of the user's own hour. */
export const EVENING_SHARE = 0.3;
/** Centre and spread (hours) of the global evening peak. */
export const EVENING_PEAK_HOUR = 20.5;
export const EVENING_PEAK_SD = 1.5;
/** Spread (hours) of a user's actions around their preferred hour. */
export const USER_HOUR_SD = 1.5;

const hourTable = new AliasTable(PREFERRED_HOUR_WEIGHTS);

/** A preferred hour in [0, 24), with a uniform fraction inside the drawn hour. */
export function samplePreferredHour(rng: Rng): number {
  return hourTable.sample(rng) + rng.next();
}

/** Hour in [0, 24) of one action by a user whose preferred hour is `preferredHour`. */
export function sampleActionHour(rng: Rng, preferredHour: number): number {
  const h = rng.next() < EVENING_SHARE ? EVENING_PEAK_HOUR + EVENING_PEAK_SD * rng.normal() : preferredHour + USER_HOUR_SD * rng.normal();
  const wrapped = h % 24;
  const h24 = wrapped < 0 ? wrapped + 24 : wrapped;
  return h24 >= 24 ? 0 : h24; // −1e-17 + 24 rounds to 24
}
