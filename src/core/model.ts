/**
 * @module core/model
 * The shared vocabulary of wbguard: what the parsers produce from CMS text, and what the analysis reports.
 * Types only, so every layer (core, adapters, app) can depend on it without pulling in behaviour.
 */

/** Web Bridge 2 refuses joins at this many active sessions (docs/cms-facts.md §1, sources S1, S2; unconfirmed: 149 vs 150). */
export const DEFAULT_SESSION_LIMIT = 149;

/** The syslog envelope of one line, whatever shape it came in (RFC 3164-like, CMS's `facility.severity`, RFC 5424, file templates). */
export interface SyslogEnvelope {
  /** Epoch milliseconds, or undefined when the line carried no readable stamp. */
  readonly timestampMs: number | undefined;
  /** The sending host as written in the line (not yet mapped to a node name). */
  readonly host: string | undefined;
  /** Program tag without the trailing colon, e.g. `host:server`, `webbridge`, `cli`. */
  readonly tag: string | undefined;
  /** `<PRI>` value when present. */
  readonly pri: number | undefined;
  /** Facility and severity names when written as a `facility.severity` token (CMS style) or derived from PRI. */
  readonly facility: string | undefined;
  readonly severity: string | undefined;
  /** Everything after the tag. */
  readonly message: string;
}

/** Web Bridge 2 `Stats N, c:X, d:Y` (docs/cms-facts.md §1). `c`/`d` meanings are unconfirmed; kept as read. */
export interface WebBridgeStatsRecord {
  readonly kind: 'webbridge-stats';
  readonly at: number;
  readonly host: string;
  readonly active: number;
  readonly connects: number;
  readonly disconnects: number;
}

/** Call Bridge 2.8+ `STATS: {json}` every 5 minutes (docs/cms-facts.md §2). Only `CMA` is relied on. */
export interface CallBridgeStatsRecord {
  readonly kind: 'callbridge-stats';
  readonly at: number;
  readonly host: string;
  /** Current CMA sessions (WebRTC + desktop + iOS CMA clients). */
  readonly cma: number;
  /** Peak CMA sessions in the last interval. */
  readonly cmaPeak: number;
  /** Every key of the JSON as read, including unknown ones. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** An MMP audit line showing a restart command being issued (docs/cms-facts.md §3.1, `cli:` tag). */
export interface MmpRestartRecord {
  readonly kind: 'mmp-restart';
  readonly at: number;
  readonly host: string;
  readonly command: 'webbridge restart' | 'webbridge3 restart';
  readonly user: string | undefined;
}

/** A Web Bridge line saying a join was refused because the session limit was reached. */
export interface JoinRefusedRecord {
  readonly kind: 'join-refused';
  readonly at: number;
  readonly host: string;
}

export type CmsRecord = WebBridgeStatsRecord | CallBridgeStatsRecord | MmpRestartRecord | JoinRefusedRecord;

/** Result of reading one line: a CMS record, a readable line that is of no interest, or an unreadable one. */
export type LineOutcome =
  | { readonly kind: 'record'; readonly record: CmsRecord }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'malformed'; readonly reason: string };

/** Whether CMA counts only WebRTC clients (`webrtc-only`) or also CMA desktop/iOS (`mixed`: the cluster leak is then an upper bound). */
export type CmaClients = 'webrtc-only' | 'mixed';

// ---- The analysis report: the JSON contract of `wbguard analyze --json` (issue 2). Add fields, never rename. ----

export interface LimitEpisode {
  /** ISO-8601 UTC. */
  readonly start: string;
  /** ISO-8601 UTC, or null while still at the limit at the end of the input. */
  readonly end: string | null;
}

export interface LimitForecast {
  /** ISO-8601 UTC instant when this Web Bridge is expected to refuse joins, or null when it is not leaking. */
  readonly at: string | null;
  /** Hours from the last instant of the input to `at`. */
  readonly inHours: number | null;
  /** Typical daily peak of real sessions used for the forecast. */
  readonly typicalPeakReal: number;
  /** Plain-language basis, e.g. "leak 12.5/day since restart 2026-11-20T02:00Z". */
  readonly basis: string;
}

export interface WebBridgeReport {
  readonly host: string;
  /** Node name (from --config) or the syslog host. */
  readonly name: string;
  readonly active: number | null;
  readonly peakActive: number;
  readonly reachedLimit: boolean;
  readonly limitEpisodes: readonly LimitEpisode[];
  /** ISO-8601 UTC instants of detected restarts. */
  readonly restarts: readonly string[];
  /** Proven lower bound of leaked sessions at the last instant: max(0, active − Σ CMA). */
  readonly leakedMin: number | null;
  /** Growth of the leaked lower bound per day between restarts, or null when unknown. */
  readonly leakRatePerDay: number | null;
  readonly limitForecast: LimitForecast | null;
  /** ISO-8601 UTC of the last Stats line. */
  readonly lastSeen: string | null;
  /**
   * ISO-8601 UTC of the latest Stats line whose connect counter `c:` had risen (a guest joined); null when none
   * since the analysis began. The idle guard defers when it is newer than the latest count of real sessions.
   */
  readonly lastJoinAt?: string | null;
  /** True when no Stats line arrived for longer than the staleness threshold before the end of the input. */
  readonly stale: boolean;
}

export interface CallBridgeReport {
  readonly host: string;
  readonly name: string;
  readonly cma: number | null;
  readonly cmaPeak: number;
  readonly lastSeen: string | null;
  readonly stale: boolean;
}

export interface ClusterReport {
  readonly active: number;
  readonly cma: number;
  readonly leaked: number;
  readonly leakedValid: boolean;
  /** Why the estimate is not valid (stale nodes, mixed CMA clients), empty when valid. */
  readonly invalidReasons: readonly string[];
  /** ISO-8601 UTC of the last instant of the input. */
  readonly at: string | null;
}

export interface LineCounts {
  read: number;
  webbridgeStats: number;
  callbridgeStats: number;
  malformed: number;
}

export interface Recommendation {
  readonly name: string;
  /** Days between restarts that keep this Web Bridge below the limit with margin, or null when no restart is needed. */
  readonly restartEveryDays: number | null;
  readonly text: string;
}

export interface AnalysisReport {
  readonly webbridges: readonly WebBridgeReport[];
  readonly callbridges: readonly CallBridgeReport[];
  readonly cluster: ClusterReport;
  readonly lines: LineCounts;
  readonly recommendations: readonly Recommendation[];
}

// ---- Down-sampled series for charts (HTML report, dashboard). Bounded in size whatever the input length. ----

/** Parallel arrays: `t[i]` epoch ms, `v[i]` value (the bucket's maximum, so peaks and the limit line stay visible). */
export interface Series {
  readonly t: readonly number[];
  readonly v: readonly number[];
}

export interface AnalysisSeries {
  /** Per Web Bridge name: active sessions and leaked lower bound. */
  readonly webbridges: ReadonlyArray<{
    readonly name: string;
    readonly active: Series;
    readonly leakedMin: Series;
    readonly restarts: readonly number[];
  }>;
  /** Per Call Bridge name: CMA current. */
  readonly callbridges: ReadonlyArray<{ readonly name: string; readonly cma: Series }>;
  /** Cluster leak estimate over time. */
  readonly clusterLeaked: Series;
  readonly limit: number;
}
