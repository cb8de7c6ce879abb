/** A size measured at a time. */
export interface SizePoint {
  at: Date;
  bytes: number;
}

/** Fewer samples, or a shorter span, and a trend is noise: no forecast. */
export const MIN_SAMPLES = 3;
export const MIN_SPAN_HOURS = 12;
const DAY_MS = 86_400_000;

/**
 * Growth in bytes per day: the least-squares slope of size over time. Null with fewer than
 * MIN_SAMPLES points or when they span less than MIN_SPAN_HOURS.
 */
export function growthPerDay(points: readonly SizePoint[]): number | null {
  if (points.length < MIN_SAMPLES) return null;
  const times = points.map((p) => p.at.getTime());
  const span = Math.max(...times) - Math.min(...times);
  if (span < MIN_SPAN_HOURS * 3_600_000) return null;
  const t0 = Math.min(...times);
  const xs = times.map((t) => (t - t0) / DAY_MS);
  const ys = points.map((p) => p.bytes);
  const n = points.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - meanX) * (ys[i] - meanY);
    den += (xs[i] - meanX) ** 2;
  }
  return den === 0 ? null : num / den;
}
