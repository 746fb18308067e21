/**
 * @module core/analysis/node-state
 * Running state of one Web Bridge and one Call Bridge while records stream through the analyzer.
 */
import type { LimitEpisode } from '../model.js';
import { BoundedSeries } from './bounded-series.js';
import { ConnectLog } from './connect-log.js';
import { lastOf } from './last-of.js';
import type { LeakSegment } from './leak-rate.js';

const DAY_MS = 86_400_000;
/** Days of per-day real-load peaks kept for the "typical daily peak". */
const PEAK_DAYS_KEPT = 14;

export class WebBridgeState {
  readonly name: string;
  readonly host: string;
  active: number | null = null;
  connects = 0;
  disconnects = 0;
  lastAt: number | null = null;
  /** Latest sample at which the connect counter had risen (a guest joined), or null. */
  lastJoinAt: number | null = null;
  peakActive = 0;
  /**
   * Leaked sessions proven at the latest instant it could be: max(0, active − Σ CMA − guests joined since the oldest
   * CMA figure), null without Call Bridge data or before anything could be proven.
   */
  lowerBound: number | null = null;
  /** The connect counter at recent samples (the joins since a Call Bridge's STATS instant). */
  readonly connectLog = new ConnectLog();
  /** The Σ CMA version this Web Bridge's leak segment was last fed with (a segment takes one point per CMA figure). */
  fedCmaVersion = -1;
  readonly episodes: Array<{ start: number; end: number | null }> = [];
  readonly restarts: number[] = [];
  joinRefused = false;
  readonly segments: LeakSegment[] = [];
  /** Per UTC day: highest estimate of real sessions (active − proven leaked). */
  readonly realPeaks: Array<{ day: number; v: number }> = [];
  readonly activeSeries: BoundedSeries;
  readonly leakedSeries: BoundedSeries;
  #iso: LimitEpisode[] = [];
  #isoKey = '';

  constructor(name: string, host: string, maxSeriesPoints: number) {
    this.name = name;
    this.host = host;
    this.activeSeries = new BoundedSeries(maxSeriesPoints);
    this.leakedSeries = new BoundedSeries(maxSeriesPoints);
  }

  get segment(): LeakSegment | undefined {
    return lastOf(this.segments);
  }

  /**
   * Proven leaked now: the current lower bound, or the highest bound seen at a quiet instant of this segment
   * (leaked sessions do not go away until a restart), never above the active count.
   */
  get leakedMin(): number | null {
    const seg = this.segment;
    if (this.active === null || this.lowerBound === null || !seg) {
      return null;
    }
    return Math.min(this.active, Math.max(this.lowerBound, seg.runningMax));
  }

  notePeakReal(t: number, real: number): void {
    const day = Math.floor(t / DAY_MS) * DAY_MS;
    const last = lastOf(this.realPeaks);
    if (last && last.day === day) {
      last.v = Math.max(last.v, real);
      return;
    }
    this.realPeaks.push({ day, v: real });
    if (this.realPeaks.length > PEAK_DAYS_KEPT) {
      this.realPeaks.shift();
    }
  }

  /** Median of the daily real-load peaks: what a normal day brings on top of the leak. */
  typicalPeakReal(): number {
    if (this.realPeaks.length === 0) {
      return 0;
    }
    const values = this.realPeaks.map((p) => p.v).sort((a, b) => a - b);
    return values[Math.floor((values.length - 1) / 2)] as number;
  }

  /**
   * The episodes as ISO strings, rebuilt only when they changed: the daemon builds a report on every evaluation and
   * API read, and a Web Bridge hovering at the limit keeps up to 1000 episodes (the randomized model in test/prove
   * spent most of its time converting the same instants again).
   */
  episodesIso(): LimitEpisode[] {
    const first = this.episodes[0];
    const last = lastOf(this.episodes);
    const key = `${this.episodes.length}:${first?.start}:${last?.start}:${last?.end}`;
    if (key !== this.#isoKey) {
      this.#isoKey = key;
      this.#iso = this.episodes.map((e) => ({
        start: new Date(e.start).toISOString(),
        end: e.end === null ? null : new Date(e.end).toISOString(),
      }));
    }
    return this.#iso.slice();
  }
}

export class CallBridgeState {
  readonly name: string;
  readonly host: string;
  cma: number | null = null;
  cmaPeak = 0;
  lastAt: number | null = null;
  readonly cmaSeries: BoundedSeries;

  constructor(name: string, host: string, maxSeriesPoints: number) {
    this.name = name;
    this.host = host;
    this.cmaSeries = new BoundedSeries(maxSeriesPoints);
  }
}
