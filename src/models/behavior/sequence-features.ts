/**
 * @module Features of a user's event history up to a query time, for the behaviour predictor (recency,
 * frequency, type mix and rhythm — the "RFM" family that churn models build on, plus the last three types for
 * the next-action Markov structure).
 *
 * With K event classes: one-hot of the last, second-last and third-last type (3K); type shares over the last
 * `window` events (K); ln(1 + event count); ln(1 + hours since the last event); ln(1 + hours between the last two
 * events); mean ln(1 + gap hours) over the window; ln(1 + events in the last 24 h) and (… 7 days); share of the
 * last 30 days with an event; sin/cos of the query hour and of the last event's hour (UTC).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Number of features for K classes. */
export function sequenceFeatureDim(classes: number): number {
  return 4 * classes + 11;
}

/** One user's events in time order: class index per event and time (epoch ms). */
export interface UserSequence {
  cls: Int32Array;
  time: Float64Array;
}

/**
 * Writes the features of the history `seq[0..end)` seen at `queryTime` into `out` at `offset`.
 * `classes` = K; `window` = how many recent events the share and gap features look at.
 */
export function writeSequenceFeatures(seq: UserSequence, end: number, queryTime: number, classes: number, window: number, out: Float32Array, offset: number): void {
  const dim = sequenceFeatureDim(classes);
  out.fill(0, offset, offset + dim);
  for (let back = 1; back <= 3; back++) if (end - back >= 0) out[offset + (back - 1) * classes + seq.cls[end - back]!] = 1;
  const start = Math.max(0, end - window);
  const n = end - start;
  const base = offset + 3 * classes;
  let gapSum = 0;
  for (let k = start; k < end; k++) {
    out[base + seq.cls[k]!]! += 1 / n;
    if (k > start) gapSum += Math.log1p((seq.time[k]! - seq.time[k - 1]!) / HOUR_MS);
  }
  let f = base + classes;
  out[f++] = Math.log1p(end);
  const last = end > 0 ? seq.time[end - 1]! : NaN;
  // No history: treat as "long ago" (30 days), the far end of what the recency features see.
  out[f++] = end > 0 ? Math.log1p(Math.max(0, queryTime - last) / HOUR_MS) : Math.log1p(30 * 24);
  out[f++] = end > 1 ? Math.log1p((seq.time[end - 1]! - seq.time[end - 2]!) / HOUR_MS) : 0;
  out[f++] = n > 1 ? gapSum / (n - 1) : 0;
  let day = 0, week = 0;
  const days = new Set<number>();
  for (let k = end - 1; k >= 0 && queryTime - seq.time[k]! <= 30 * DAY_MS; k--) {
    const age = queryTime - seq.time[k]!;
    if (age <= DAY_MS) day++;
    if (age <= 7 * DAY_MS) week++;
    days.add(Math.floor(age / DAY_MS));
  }
  out[f++] = Math.log1p(day);
  out[f++] = Math.log1p(week);
  out[f++] = days.size / 30;
  const qh = hourOf(queryTime);
  out[f++] = Math.sin((2 * Math.PI * qh) / 24);
  out[f++] = Math.cos((2 * Math.PI * qh) / 24);
  const lh = end > 0 ? hourOf(last) : 0;
  out[f++] = end > 0 ? Math.sin((2 * Math.PI * lh) / 24) : 0;
  out[f++] = end > 0 ? Math.cos((2 * Math.PI * lh) / 24) : 0;
}

function hourOf(t: number): number {
  return (((t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}
