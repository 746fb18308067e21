/**
 * @module core/analysis/downsample
 * Fewer points for a chart without losing what matters: each time bucket keeps its lowest and its highest point,
 * so a peak at the limit or a drop to zero after a restart survives any zoom level. Pure.
 */
import type { Series } from '../model.js';

/** At most `maxPoints` points (≥ 2), in time order; the series itself when it is small enough. */
export function downsample(s: Series, maxPoints: number): Series {
  const n = s.t.length;
  if (n <= maxPoints || maxPoints < 2) {
    return s;
  }
  const buckets = Math.floor(maxPoints / 2);
  const t0 = s.t[0] as number;
  const span = (s.t[n - 1] as number) - t0 || 1;
  const t: number[] = [];
  const v: number[] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < n; b++) {
    const end = b === buckets - 1 ? Number.POSITIVE_INFINITY : t0 + (span * (b + 1)) / buckets;
    let lo = -1;
    let hi = -1;
    for (; i < n && (s.t[i] as number) < end; i++) {
      if (lo < 0 || (s.v[i] as number) < (s.v[lo] as number)) {
        lo = i;
      }
      if (hi < 0 || (s.v[i] as number) > (s.v[hi] as number)) {
        hi = i;
      }
    }
    if (lo < 0) {
      continue;
    }
    for (const k of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]) {
      t.push(s.t[k] as number);
      v.push(s.v[k] as number);
    }
  }
  return { t, v };
}
