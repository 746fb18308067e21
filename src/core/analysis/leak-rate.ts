/**
 * @module core/analysis/leak-rate
 * Estimates how fast a Web Bridge leaks, from its proven lower bound of leaked sessions.
 *
 * Method: between two restarts leaked sessions only grow, so a lower bound `max(0, active − Σ CMA)` seen earlier in
 * the segment still holds later. During busy hours real load masks the leak, and Call Bridges report CMA at their
 * own 5-minute phases, so while load changes Σ CMA mixes fresh and older figures and the bound is noisy. At the
 * quietest moment of a day load is flat and the bound meets the true leak. Quietest = lowest Σ CMA, then lowest
 * Σ Web Bridge active (when the first Call Bridge of a morning reports 0 while the others still show last night's 0,
 * Σ CMA is 0 but real guests have arrived: the cluster's active count tells those instants apart). So, per UTC day
 * of the segment since the last restart, we keep the bound at the day's quietest instant and fit a least-squares line through those daily points (plus the restart
 * itself at 0 when the segment starts with one). Segments shorter than a day fall back to the previous one's rate.
 *
 * With no segment a day long (the first day of data, or restarts more often than daily, as in `wbguard demo`), a first
 * estimate comes from the instants with Σ CMA 0: nobody real is on any Call Bridge, so the bound is the leak itself,
 * not a noisy approximation. The line goes through the first and the last of them (or the restart's 0 and the last),
 * when they are at least half an hour apart (youngSegmentEstimate).
 */
import { lastOf } from './last-of.js';

const DAY_MS = 86_400_000;

export interface DailyPoint {
  /** Start of the UTC day. */
  readonly day: number;
  /** Time of the day's quietest instant. */
  t: number;
  /** The lower bound of leaked sessions at that instant. */
  v: number;
  /** Σ CMA at that instant. */
  cma: number;
  /** Σ Web Bridge active at that instant. */
  clusterActive: number;
}

/** Per-day maxima of the lower bound within one inter-restart segment. */
export class LeakSegment {
  readonly startedAt: number;
  /** True when the segment began at a detected restart (leaked known to be 0 there). */
  readonly startsAtRestart: boolean;
  readonly days: DailyPoint[] = [];
  runningMax = 0;
  lastAt: number;
  /** The first instant of the segment with Σ CMA 0 (nobody real on a Call Bridge), where the bound is exact. */
  firstQuiet: { t: number; v: number } | undefined;
  /** The latest such instant with load before it (after the restart or the first quiet instant). */
  quietAfterLoad: { t: number; v: number } | undefined;
  #loadSeen = false;

  constructor(startedAt: number, startsAtRestart: boolean) {
    this.startedAt = startedAt;
    this.startsAtRestart = startsAtRestart;
    this.lastAt = startedAt;
  }

  add(t: number, lowerBound: number, clusterCma: number, clusterActive: number): void {
    this.lastAt = Math.max(this.lastAt, t);
    if (clusterCma === 0) {
      this.firstQuiet ??= { t, v: lowerBound };
      if (this.#loadSeen) {
        this.quietAfterLoad = { t, v: lowerBound };
      }
    } else if (this.startsAtRestart || this.firstQuiet) {
      this.#loadSeen = true;
    }
    const day = Math.floor(t / DAY_MS) * DAY_MS;
    const last = lastOf(this.days);
    if (last && last.day === day) {
      if (clusterCma < last.cma || (clusterCma === last.cma && clusterActive <= last.clusterActive)) {
        last.t = t;
        last.v = lowerBound;
        last.cma = clusterCma;
        last.clusterActive = clusterActive;
      }
    } else {
      this.days.push({ day, t, v: lowerBound, cma: clusterCma, clusterActive });
      // A segment longer than a year keeps its last year: enough for a rate, bounded in memory.
      if (this.days.length > 366) {
        this.days.shift();
      }
    }
    const v = lastOf(this.days)?.v ?? 0;
    if (v > this.runningMax) {
      this.runningMax = v;
    }
  }

  get durationMs(): number {
    return this.lastAt - this.startedAt;
  }
}

/** Least-squares slope of v over t, in sessions per day; undefined with fewer than two distinct times. */
export function slopePerDay(points: ReadonlyArray<{ t: number; v: number }>): number | undefined {
  if (points.length < 2) {
    return undefined;
  }
  const n = points.length;
  let st = 0;
  let sv = 0;
  for (const p of points) {
    st += p.t;
    sv += p.v;
  }
  const mt = st / n;
  const mv = sv / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? undefined : (num / den) * DAY_MS;
}

/** Leak rate (sessions/day) of one segment, or undefined when it is too short to tell. */
export function segmentLeakRate(segment: LeakSegment): number | undefined {
  if (segment.durationMs < DAY_MS) {
    return undefined;
  }
  // The last day may be incomplete: its quiet hours may not have come yet. Keep it only when it is quiet (Σ CMA 0).
  const days = segment.days.filter((d, i, all) => i < all.length - 1 || d.cma === 0);
  const points = days.map((d) => ({ t: d.t, v: d.v }));
  if (segment.startsAtRestart) {
    points.unshift({ t: segment.startedAt, v: 0 });
  }
  const slope = slopePerDay(points);
  return slope === undefined ? undefined : Math.max(0, slope);
}

/** Quiet instants closer than this give no estimate. */
export const YOUNG_ESTIMATE_MIN_SPAN_MS = 30 * 60_000;

/**
 * A first leak rate (sessions/day) of a segment younger than a day, from its exact instants (Σ CMA 0), with its
 * basis in words; undefined without two of them (or a restart and one) half an hour apart with load between: one quiet
 * spell (a night) says nothing of how fast sessions leak when they end.
 */
export function youngSegmentEstimate(segment: LeakSegment): { rate: number; basis: string } | undefined {
  const last = segment.quietAfterLoad;
  const first = segment.startsAtRestart ? { t: segment.startedAt, v: 0 } : segment.firstQuiet;
  if (!last || !first || last.t - first.t < YOUNG_ESTIMATE_MIN_SPAN_MS) {
    return undefined;
  }
  const rate = Math.max(0, ((last.v - first.v) / (last.t - first.t)) * DAY_MS);
  const hours = Math.round(((last.t - first.t) / 3_600_000) * 10) / 10;
  const from = new Date(first.t).toISOString();
  return {
    rate,
    basis: `leak ${Math.round(rate * 10) / 10}/day over ${hours} h ${segment.startsAtRestart ? `since restart ${from}` : `since ${from}`} (less than a day of data: a first estimate)`,
  };
}
