/**
 * @module core/analysis/cluster-analyzer
 * Turns a time-ordered stream of CMS records into the leak picture of a cluster (docs/architecture.md, "The parts"):
 * per Web Bridge active sessions, limit episodes, restarts, a proven lower bound of leaked sessions and its growth;
 * per Call Bridge CMA; and the cluster estimate Σ WB active − Σ CB CMA (valid only without CMA desktop/iOS clients).
 * Memory stays bounded: running state, down-sampled series and per-day aggregates only.
 */
import {
  type AnalysisReport,
  type AnalysisSeries,
  type CallBridgeStatsRecord,
  type CmaClients,
  type CmsRecord,
  DEFAULT_SESSION_LIMIT,
  type LineCounts,
  type WebBridgeReport,
} from '../model.js';
import { BoundedSeries } from './bounded-series.js';
import { forecastLimit, recommend, round1 } from './forecast.js';
import { lastOf } from './last-of.js';
import { LeakSegment, segmentLeakRate, youngSegmentEstimate } from './leak-rate.js';
import { CallBridgeState, WebBridgeState } from './node-state.js';

export interface AnalyzerOptions {
  /** Sessions at which a Web Bridge refuses joins. @default 149 */
  readonly limit?: number;
  /** A node is stale when its last sample is older than this at the report instant. @default 900000 (15 min) */
  readonly staleAfterMs?: number;
  /** `mixed` when CMA desktop/iOS clients are in use: the cluster leak is then an upper bound. @default 'webrtc-only' */
  readonly cmaClients?: CmaClients;
  /** Syslog host → Web Bridge name; unmapped hosts are their own node. */
  readonly webbridgeNames?: ReadonlyMap<string, string>;
  /** Syslog host → Call Bridge name. */
  readonly callbridgeNames?: ReadonlyMap<string, string>;
  /** Points kept per chart series. @default 2000 */
  readonly maxSeriesPoints?: number;
  /**
   * Keep the chart series. @default true. Without them (`analyze --json`, which prints the report only) `series()`
   * returns empty series and every record costs less: the series were a quarter of the analysis' time.
   */
  readonly series?: boolean;
}

/** Two restart signals (MMP audit line, counter reset) this close together are one restart. */
export const RESTART_MERGE_MS = 15 * 60_000;

export class ClusterAnalyzer {
  readonly #limit: number;
  readonly #staleAfterMs: number;
  readonly #cmaClients: CmaClients;
  readonly #wbNames: ReadonlyMap<string, string>;
  readonly #cbNames: ReadonlyMap<string, string>;
  readonly #maxPoints: number;
  readonly #keepSeries: boolean;
  readonly #webbridges = new Map<string, WebBridgeState>();
  /** Each syslog host's Web Bridge: one lookup per record instead of two (host → name → state). */
  readonly #webbridgeOfHost = new Map<string, WebBridgeState>();
  readonly #callbridges = new Map<string, CallBridgeState>();
  readonly #clusterLeaked: BoundedSeries;
  #clusterCma: number | null = null;
  /** Bumped at each Call Bridge STATS figure. */
  #cmaVersion = 0;
  /**
   * The oldest and the newest of the Call Bridges' latest STATS instants (±Infinity before the first): kept as the
   * figures come, rather than found again by a loop over the Call Bridges at every Web Bridge sample (per-record work
   * on the main thread: ~40 ms of its CPU on 1.8 M records of Stats lines, ~2 % of that run).
   */
  #cmaOldestAt = Number.POSITIVE_INFINITY;
  #cmaNewestAt = Number.NEGATIVE_INFINITY;
  #lastAt: number | null = null;

  constructor(options: AnalyzerOptions = {}) {
    this.#limit = options.limit ?? DEFAULT_SESSION_LIMIT;
    this.#staleAfterMs = options.staleAfterMs ?? 15 * 60_000;
    this.#cmaClients = options.cmaClients ?? 'webrtc-only';
    this.#wbNames = options.webbridgeNames ?? new Map();
    this.#cbNames = options.callbridgeNames ?? new Map();
    this.#maxPoints = options.maxSeriesPoints ?? 2000;
    this.#keepSeries = options.series ?? true;
    this.#clusterLeaked = new BoundedSeries(this.#maxPoints);
  }

  add(record: CmsRecord): void {
    if (record.kind === 'webbridge-stats') {
      this.addWebBridgeStats(record.host, record.at, record.active, record.connects, record.disconnects);
      return;
    }
    if (!this.#takeInstant(record.at)) {
      return;
    }
    switch (record.kind) {
      case 'callbridge-stats':
        this.#addCallBridgeStats(record);
        break;
      case 'mmp-restart': {
        // An audit line names the server it was issued on; only a Web Bridge restart of that host counts.
        if (record.command === 'webbridge restart') {
          this.#noteRestart(this.#webbridge(record.host), record.at);
        }
        break;
      }
      case 'join-refused':
        this.#webbridge(record.host).joinRefused = true;
        break;
    }
  }

  /** Whether a record at `at` is taken (one without a time is not); notes the latest instant seen. */
  #takeInstant(at: number): boolean {
    if (!Number.isFinite(at)) {
      return false;
    }
    this.#lastAt = this.#lastAt === null ? at : Math.max(this.#lastAt, at);
    return true;
  }

  #webbridge(host: string): WebBridgeState {
    let wb = this.#webbridgeOfHost.get(host);
    if (!wb) {
      const name = this.#wbNames.get(host) ?? host;
      wb = this.#webbridges.get(name);
      if (!wb) {
        wb = new WebBridgeState(name, host, this.#maxPoints);
        this.#webbridges.set(name, wb);
      }
      this.#webbridgeOfHost.set(host, wb);
    }
    return wb;
  }

  #callbridge(host: string): CallBridgeState {
    const name = this.#cbNames.get(host) ?? host;
    let cb = this.#callbridges.get(name);
    if (!cb) {
      cb = new CallBridgeState(name, host, this.#maxPoints);
      this.#callbridges.set(name, cb);
    }
    return cb;
  }

  /** Records a restart unless one was already recorded close by; starts a new leak segment. */
  #noteRestart(wb: WebBridgeState, at: number): void {
    // A restart frees every leaked session: nothing proven before it holds after it.
    if (wb.lowerBound !== null) {
      wb.lowerBound = 0;
    }
    const last = lastOf(wb.restarts);
    if (last !== undefined && Math.abs(at - last) <= RESTART_MERGE_MS) {
      // The same restart seen twice (its audit line, its counters' reset), or a second one soon after: counted once,
      // but the leak proven since the first is void all the same.
      wb.segments[wb.segments.length - 1] = new LeakSegment(at, true);
      return;
    }
    wb.restarts.push(at);
    wb.segments.push(new LeakSegment(at, true));
    if (wb.segments.length > 3) {
      wb.segments.shift();
    }
  }

  /**
   * A Web Bridge Stats record given by its fields (`add` of one, without the object: analyze's merge hands on
   * most of its records so, straight from a worker's packed batch).
   */
  addWebBridgeStats(host: string, at: number, active: number, connects: number, disconnects: number): void {
    if (!this.#takeInstant(at)) {
      return;
    }
    const wb = this.#webbridge(host);
    let restarted = false;
    if (wb.lastAt !== null && wb.active !== null) {
      // Web Bridge restarted: its counters went back (they count since Web Bridge start) — one of them may have
      // stood at 0 (every session of the run leaked, say), so neither rose and at least one fell.
      const countersReset =
        connects <= wb.connects &&
        disconnects <= wb.disconnects &&
        (connects < wb.connects || disconnects < wb.disconnects);
      if (countersReset && active <= wb.active) {
        this.#noteRestart(wb, at);
        restarted = true;
      } else if (connects > wb.connects) {
        wb.lastJoinAt = at;
      }
      if (connects < wb.connects) {
        // Joins are counted as a rise of the counter: a counter that went back counts from here.
        wb.connectLog.clear();
      } else if (!restarted && disconnects >= wb.disconnects) {
        // Sessions that went without a disconnect being counted: freed leaked sessions — a restart its counters
        // could not show (they stood at 0 after one that had kept the leak). Nothing proven before holds. (Joins are
        // left out: a refused attempt counts as a connection too, and a join can only hide such a drop.)
        const vanished = wb.active - active - (disconnects - wb.disconnects);
        if (vanished > 0) {
          wb.segments[wb.segments.length - 1] = new LeakSegment(at, false);
          if (wb.lowerBound !== null) {
            wb.lowerBound = 0;
          }
        }
      }
    }
    wb.connectLog.add(at, connects);
    if (!wb.segment) {
      wb.segments.push(new LeakSegment(at, false));
    }
    wb.active = active;
    wb.connects = connects;
    wb.disconnects = disconnects;
    wb.lastAt = at;
    wb.peakActive = Math.max(wb.peakActive, active);
    this.#trackEpisode(wb, at, active);
    if (this.#keepSeries) {
      wb.activeSeries.push(at, active);
    }
    this.#updateLowerBound(wb, at, restarted);
    this.#pushClusterLeak(at);
  }

  #trackEpisode(wb: WebBridgeState, at: number, active: number): void {
    const open = lastOf(wb.episodes);
    const inEpisode = open !== undefined && open.end === null;
    if (active >= this.#limit && !inEpisode) {
      wb.episodes.push({ start: at, end: null });
      if (wb.episodes.length > 1000) {
        wb.episodes.shift();
      }
    } else if (active < this.#limit && inEpisode) {
      open.end = at;
    }
  }

  /**
   * The leak proven at a Web Bridge sample, sound at every instant (issue 16). Real sessions on this Web Bridge now
   * are at most Σ CMA — each Call Bridge's figure at its own STATS instant, up to 5 minutes old — plus the guests who
   * joined this Web Bridge since the oldest of those instants (its connect counter's rise): so
   * leaked ≥ active − Σ CMA − joins since. A Σ CMA alone, older than the sample, would let guests who joined since
   * pass for a leak (3 claimed, 0 leaked in a morning ramp-up; a Call Bridge's syslog outage made it dozens). When no
   * sample is kept from before that instant, or a Call Bridge's figure is newer than the sample, nothing new is proven
   * and the last bound stands (leaked sessions stay until a restart); a restart proves only 0. Each new CMA figure
   * feeds one point to the leak segment, at the first sample after it.
   */
  #updateLowerBound(wb: WebBridgeState, at: number, restarted: boolean): void {
    if (wb.active === null || this.#clusterCma === null) {
      wb.lowerBound = null;
      return;
    }
    if (restarted) {
      wb.lowerBound = 0;
    }
    const proven = this.#provenLeak(wb, at);
    if (proven !== undefined) {
      wb.lowerBound = proven;
      if (wb.fedCmaVersion !== this.#cmaVersion) {
        wb.fedCmaVersion = this.#cmaVersion;
        (wb.segment as LeakSegment).add(at, proven, this.#clusterCma, this.#clusterNumbers().active);
        wb.notePeakReal(at, Math.max(0, wb.active - (wb.leakedMin ?? 0)));
      }
    }
    if (this.#keepSeries) {
      wb.leakedSeries.push(at, wb.leakedMin ?? 0);
    }
  }

  /** active − Σ CMA − joins since the oldest CMA instant, at the sample `at`; undefined when it cannot be proven. */
  #provenLeak(wb: WebBridgeState, at: number): number | undefined {
    if (this.#cmaNewestAt > at) {
      // Guests who left between the sample and that figure would count as leaked.
      return undefined;
    }
    const base = wb.connectLog.connectsAtOrBefore(this.#cmaOldestAt);
    if (base === undefined || wb.active === null || this.#clusterCma === null) {
      return undefined;
    }
    return Math.max(0, wb.active - this.#clusterCma - (wb.connects - base));
  }

  #addCallBridgeStats(r: CallBridgeStatsRecord): void {
    const cb = this.#callbridge(r.host);
    cb.cma = r.cma;
    cb.cmaPeak = Math.max(cb.cmaPeak, r.cmaPeak, r.cma);
    cb.lastAt = r.at;
    if (this.#keepSeries) {
      cb.cmaSeries.push(r.at, r.cma);
    }
    let sum = 0;
    let oldest = Number.POSITIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    for (const c of this.#callbridges.values()) {
      sum += c.cma ?? 0;
      if (c.lastAt !== null) {
        oldest = Math.min(oldest, c.lastAt);
        newest = Math.max(newest, c.lastAt);
      }
    }
    this.#clusterCma = sum;
    this.#cmaOldestAt = oldest;
    this.#cmaNewestAt = newest;
    this.#cmaVersion++;
    this.#pushClusterLeak(r.at);
  }

  #clusterNumbers(): { active: number; cma: number; leaked: number } {
    let active = 0;
    for (const wb of this.#webbridges.values()) {
      active += wb.active ?? 0;
    }
    const cma = this.#clusterCma ?? 0;
    return { active, cma, leaked: Math.max(0, active - cma) };
  }

  #pushClusterLeak(at: number): void {
    if (this.#keepSeries && this.#clusterCma !== null) {
      this.#clusterLeaked.push(at, this.#clusterNumbers().leaked);
    }
  }

  #isStale(lastAt: number | null, at: number): boolean {
    return lastAt === null || at - lastAt > this.#staleAfterMs;
  }

  /** Leak rate of the current segment, or of the previous one while the current is too young. */
  #leakRate(wb: WebBridgeState): { rate: number | null; basis: string } {
    for (let i = wb.segments.length - 1; i >= 0; i--) {
      const seg = wb.segments[i] as LeakSegment;
      const rate = segmentLeakRate(seg);
      if (rate !== undefined) {
        const since = new Date(seg.startedAt).toISOString();
        const what = seg.startsAtRestart ? `since restart ${since}` : `since ${since}`;
        return {
          rate,
          basis: `leak ${round1(rate)}/day ${i === wb.segments.length - 1 ? what : `in the segment ${what}`}`,
        };
      }
    }
    // No day-long segment: a first estimate from the newest segment that has one (restarted more often than daily).
    for (let i = wb.segments.length - 1; i >= 0; i--) {
      const young = youngSegmentEstimate(wb.segments[i] as LeakSegment);
      if (young) {
        return young;
      }
    }
    return { rate: null, basis: 'less than a day of data since the last restart' };
  }

  report(lines: LineCounts, at?: number): AnalysisReport {
    const now = at ?? this.#lastAt ?? 0;
    const webbridges: WebBridgeReport[] = [];
    const recommendations = [];
    for (const wb of [...this.#webbridges.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const { rate, basis } = this.#leakRate(wb);
      const leakedMin = wb.leakedMin;
      const typical = wb.typicalPeakReal();
      const limitForecast =
        wb.active === null || leakedMin === null
          ? null
          : forecastLimit(now, leakedMin, rate, typical, this.#limit, basis);
      webbridges.push({
        host: wb.host,
        name: wb.name,
        active: wb.active,
        peakActive: wb.peakActive,
        reachedLimit: wb.episodes.length > 0 || wb.joinRefused,
        limitEpisodes: wb.episodesIso(),
        restarts: wb.restarts.map((t) => new Date(t).toISOString()),
        leakedMin,
        leakRatePerDay: rate === null ? null : round1(rate),
        limitForecast,
        lastSeen: wb.lastAt === null ? null : new Date(wb.lastAt).toISOString(),
        lastJoinAt: wb.lastJoinAt === null ? null : new Date(wb.lastJoinAt).toISOString(),
        stale: this.#isStale(wb.lastAt, now),
      });
      recommendations.push(recommend(wb.name, rate, typical, this.#limit));
    }
    const callbridges = [...this.#callbridges.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((cb) => ({
        host: cb.host,
        name: cb.name,
        cma: cb.cma,
        cmaPeak: cb.cmaPeak,
        lastSeen: cb.lastAt === null ? null : new Date(cb.lastAt).toISOString(),
        stale: this.#isStale(cb.lastAt, now),
      }));
    const invalidReasons: string[] = [];
    const staleNodes = [
      ...webbridges.filter((w) => w.stale).map((w) => w.name),
      ...callbridges.filter((c) => c.stale).map((c) => c.name),
    ];
    if (staleNodes.length > 0) {
      invalidReasons.push(`stale data from ${[...new Set(staleNodes)].join(', ')}`);
    }
    if (callbridges.length === 0) {
      invalidReasons.push('no Call Bridge STATS (CMA) seen');
    }
    if (webbridges.length === 0) {
      invalidReasons.push('no Web Bridge Stats seen');
    }
    if (this.#cmaClients === 'mixed') {
      invalidReasons.push('CMA desktop/iOS clients in use: the cluster figure is an upper bound');
    }
    const numbers = this.#clusterNumbers();
    return {
      webbridges,
      callbridges,
      cluster: {
        ...numbers,
        leakedValid: invalidReasons.length === 0,
        invalidReasons,
        at: this.#lastAt === null ? null : new Date(now).toISOString(),
      },
      lines: { ...lines },
      recommendations,
    };
  }

  series(): AnalysisSeries {
    const sorted = <T extends { name: string }>(m: Map<string, T>) =>
      [...m.values()].sort((a, b) => a.name.localeCompare(b.name));
    return {
      webbridges: sorted(this.#webbridges).map((wb) => ({
        name: wb.name,
        active: wb.activeSeries.toSeries(),
        leakedMin: wb.leakedSeries.toSeries(),
        restarts: [...wb.restarts],
      })),
      callbridges: sorted(this.#callbridges).map((cb) => ({ name: cb.name, cma: cb.cmaSeries.toSeries() })),
      clusterLeaked: this.#clusterLeaked.toSeries(),
      limit: this.#limit,
    };
  }
}
