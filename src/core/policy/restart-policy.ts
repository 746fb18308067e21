/**
 * @module core/policy/restart-policy
 * The guards that decide whether one Web Bridge may be restarted now. Pure: every number comes in as an argument
 * and every verdict goes out with the numbers behind it, so the journal can show why (docs/guards.md).
 */

/** Thresholds from the `restart` section of the configuration. */
export interface GuardThresholds {
  /** Idle guard: real sessions allowed on the Web Bridge at restart. @default 0 */
  readonly maxActiveSessions: number;
  /** Worth-it guard: restart when at least this many sessions are provably leaked. @default 20 */
  readonly leakThreshold: number;
  /** Worth-it guard: also restart when active ≥ limit − nearLimitMargin. @default 5 */
  readonly nearLimitMargin: number;
  /** Fresh guard: data older than this defers the decision. @default 900000 */
  readonly staleAfterMs: number;
  /** Not-too-often guard. @default 1 */
  readonly maxPerDay: number;
  /** The Web Bridge's session limit. @default 149 */
  readonly limit: number;
}

/** What is known of one Web Bridge and its cluster at the instant of the decision. */
export interface RestartInput {
  readonly name: string;
  readonly now: number;
  /** Latest Stats active count, or null when never seen. */
  readonly active: number | null;
  /** Time of the latest Stats line (epoch ms), or null. */
  readonly webbridgeSeenAt: number | null;
  /** Σ current CMA over the cluster's Call Bridges, or null when no Call Bridge has reported. */
  readonly clusterCma: number | null;
  /**
   * Oldest of the Call Bridges' latest STATS times (epoch ms), or null when none reported: the instant Σ CMA is
   * known to be exact at. It bounds this Web Bridge's leak only when it is no older than the Stats sample.
   */
  readonly oldestCallbridgeSeenAt: number | null;
  /**
   * The leak proven by the analysis at the Call Bridges' STATS instants (leaked sessions stay until a restart), or
   * null/undefined when none is proven. Sound between STATS instants, where active − an older Σ CMA is not.
   */
  readonly provenLeak?: number | null | undefined;
  /**
   * The latest Stats instant at which this Web Bridge's connect counter `c:` had risen (a guest joined). After the
   * newest CMA evidence it means a real session that Σ CMA does not count yet: the idle guard defers.
   */
  readonly lastJoinAt?: number | null | undefined;
  /**
   * Real sessions on this Web Bridge counted by the CMS API, when configured (issue 7). Taken when it is fresher
   * than the syslog evidence; undefined when there is no API.
   */
  readonly apiRealSessions?: { readonly count: number; readonly at: number } | undefined;
  /**
   * Newest record time of any node of the cluster: when it is ahead of `now`, wbguard's clock was stepped back and
   * no age can be trusted (the fresh guard fails). Optional for callers that have only one node's data.
   */
  readonly newestDataAt?: number | null | undefined;
  /** Restarts of this Web Bridge already done (or started) today, from the journal. */
  readonly restartsToday: number;
  /**
   * Name of a Web Bridge of the same cluster being restarted right now — the lock's holder, or one whose restart was
   * not verified back and that has not logged since (it counts as down) — if any.
   */
  readonly restartInFlight: string | null;
  /** Why `restartInFlight` counts as being restarted, for the guard's detail. @default "is being restarted" */
  readonly inFlightWhy?: string | undefined;
  /** Skip the guards that need session data (idle, worth it, fresh). Never skips one-at-a-time or maxPerDay. */
  readonly force: boolean;
}

export type GuardName = 'idle' | 'worth-it' | 'fresh' | 'not-too-often' | 'one-at-a-time';

export interface GuardResult {
  readonly guard: GuardName;
  /** `pass`, `fail`, or `forced` (failed or unknown, skipped by --force). */
  readonly verdict: 'pass' | 'fail' | 'forced';
  /** One line with the numbers, e.g. "real ≤ min(active 37, Σ CMA 0) = 0 ≤ 0". */
  readonly detail: string;
  readonly numbers: Readonly<Record<string, number | string | null>>;
}

export type RestartDecision =
  | {
      readonly kind: 'restart';
      readonly name: string;
      readonly reasons: readonly string[];
      readonly guards: readonly GuardResult[];
      readonly leakedMin: number | null;
      readonly active: number | null;
    }
  | {
      readonly kind: 'skip';
      readonly name: string;
      readonly reasons: readonly string[];
      readonly guards: readonly GuardResult[];
      readonly leakedMin: number | null;
      readonly active: number | null;
    }
  | {
      readonly kind: 'defer';
      readonly name: string;
      readonly reasons: readonly string[];
      readonly guards: readonly GuardResult[];
      readonly leakedMin: number | null;
      readonly active: number | null;
    };

/**
 * Upper bound of real sessions on one Web Bridge: it cannot exceed its active count nor the cluster's real sessions
 * (Σ CMA by STATS, or the CMS API's count when that is fresher). `at` is the instant of that evidence.
 */
export function realSessionsBound(input: RestartInput): { bound: number | null; source: 'api' | 'syslog' | 'none' } {
  const { bound, source } = realSessionsEvidence(input);
  return { bound, source };
}

/** realSessionsBound with `at`, the instant of the evidence it rests on. */
function realSessionsEvidence(input: RestartInput): {
  bound: number | null;
  source: 'api' | 'syslog' | 'none';
  at: number | null;
} {
  const syslogBound =
    input.active === null || input.clusterCma === null ? null : Math.min(input.active, input.clusterCma);
  const syslogAt = Math.min(
    input.webbridgeSeenAt ?? Number.NEGATIVE_INFINITY,
    input.oldestCallbridgeSeenAt ?? Number.NEGATIVE_INFINITY,
  );
  const api = input.apiRealSessions;
  if (api && (syslogBound === null || api.at >= syslogAt)) {
    // Real sessions on this Web Bridge cannot exceed its own active count either.
    return {
      bound: input.active === null ? api.count : Math.min(input.active, api.count),
      source: 'api',
      at: api.at,
    };
  }
  return {
    bound: syslogBound,
    source: syslogBound === null ? 'none' : 'syslog',
    at: syslogBound === null ? null : input.oldestCallbridgeSeenAt,
  };
}

/**
 * The leak this Web Bridge provably holds: the analysis' proven leak, never above the active count; null when none is
 * known. The analysis proves it at each Stats sample from Σ CMA and the guests who joined since the Call Bridges'
 * STATS instants, and keeps it until a restart (core/analysis/cluster-analyzer.ts). A fresh active count against a Σ
 * CMA of another instant alone would take guests who joined (or left) in between for a leak, and the CMS API's count
 * is taken at other instants too (docs/guards.md). (`syslog`, the fresh active − Σ CMA this used to take when both
 * were of nearly one moment, is no longer a source: guests who left in between made it claim too much.)
 */
export function leakEstimate(input: RestartInput): { value: number | null; source: 'analysis' | 'none' } {
  const proven =
    input.provenLeak === null || input.provenLeak === undefined || input.active === null
      ? null
      : Math.min(input.active, input.provenLeak);
  return proven === null ? { value: null, source: 'none' } : { value: proven, source: 'analysis' };
}

function ageMs(now: number, at: number | null): number | null {
  return at === null ? null : Math.max(0, now - at);
}

/**
 * Data stamped further ahead of wbguard's clock than this means the clocks disagree (wbguard's was stepped back, or
 * CMS's is wrong): its age cannot be known, so it is not fresh. Without this a step back of an hour made hour-old
 * data look brand new (found by the randomized model in test/prove).
 */
export const CLOCK_SKEW_TOLERANCE_MS = 120_000;

function fromTheFuture(now: number, at: number | null | undefined): boolean {
  return at !== null && at !== undefined && at - now > CLOCK_SKEW_TOLERANCE_MS;
}

function guardIdle(input: RestartInput, t: GuardThresholds): GuardResult {
  const { bound, source, at } = realSessionsEvidence(input);
  const joinedSince =
    input.lastJoinAt !== null && input.lastJoinAt !== undefined && at !== null && input.lastJoinAt > at;
  const numbers = {
    active: input.active,
    clusterCma: input.clusterCma,
    realBound: bound,
    source,
    maxActiveSessions: t.maxActiveSessions,
    ...(joinedSince ? { joinedAtMs: input.lastJoinAt ?? null, evidenceAtMs: at } : {}),
  };
  if (bound === null) {
    return {
      guard: 'idle',
      verdict: input.force ? 'forced' : 'fail',
      detail: 'real sessions unknown (no Stats or no Call Bridge STATS yet)',
      numbers,
    };
  }
  if (joinedSince) {
    // A guest joined after the newest count of real sessions: the bound would miss them until the next count.
    const after = Math.round(((input.lastJoinAt as number) - (at as number)) / 1000);
    return {
      guard: 'idle',
      verdict: input.force ? 'forced' : 'fail',
      detail: `a guest joined (connect counter rose) ${after} s after the newest count of real sessions: waiting for the next count`,
      numbers,
    };
  }
  const detail =
    source === 'api'
      ? `real sessions by CMS API ${bound} ${bound <= t.maxActiveSessions ? '≤' : '>'} ${t.maxActiveSessions}`
      : `real ≤ min(active ${input.active}, Σ CMA ${input.clusterCma}) = ${bound} ${bound <= t.maxActiveSessions ? '≤' : '>'} ${t.maxActiveSessions}`;
  const pass = bound <= t.maxActiveSessions;
  return { guard: 'idle', verdict: pass ? 'pass' : input.force ? 'forced' : 'fail', detail, numbers };
}

/** The worth-it rule on its own (the daemon's and `--leaking`'s trigger use it too): leak or near the limit. */
export function worthRestarting(input: RestartInput, t: GuardThresholds): boolean {
  const leaked = leakEstimate(input).value;
  return (
    (leaked !== null && leaked >= t.leakThreshold) ||
    (input.active !== null && input.active >= t.limit - t.nearLimitMargin)
  );
}

function guardWorthIt(input: RestartInput, t: GuardThresholds): GuardResult {
  const { value: leaked, source } = leakEstimate(input);
  const nearAt = t.limit - t.nearLimitMargin;
  const numbers = {
    leakedMin: leaked,
    leakSource: source,
    leakThreshold: t.leakThreshold,
    active: input.active,
    nearLimitAt: nearAt,
    limit: t.limit,
  };
  const leakOk = leaked !== null && leaked >= t.leakThreshold;
  const nearOk = input.active !== null && input.active >= nearAt;
  if (leakOk || nearOk) {
    const why = leakOk
      ? `leaked ≥ ${leaked} ≥ threshold ${t.leakThreshold}`
      : `active ${input.active} ≥ ${nearAt} (limit ${t.limit} − margin ${t.nearLimitMargin})`;
    return { guard: 'worth-it', verdict: 'pass', detail: why, numbers };
  }
  const detail =
    leaked === null
      ? 'leak unknown (no Stats, or no Call Bridge STATS since the latest Stats line)'
      : `leaked ≥ ${leaked} < threshold ${t.leakThreshold} and active ${input.active} < ${nearAt}`;
  return { guard: 'worth-it', verdict: input.force ? 'forced' : 'fail', detail, numbers };
}

function guardFresh(input: RestartInput, t: GuardThresholds): GuardResult {
  const wbAge = ageMs(input.now, input.webbridgeSeenAt);
  const cbAge = ageMs(input.now, input.oldestCallbridgeSeenAt);
  const apiAge = input.apiRealSessions ? ageMs(input.now, input.apiRealSessions.at) : null;
  // With a fresh API count the Call Bridge side is known without syslog STATS.
  const cbFresh = (cbAge !== null && cbAge <= t.staleAfterMs) || (apiAge !== null && apiAge <= t.staleAfterMs);
  const wbFresh = wbAge !== null && wbAge <= t.staleAfterMs;
  const numbers = { webbridgeAgeMs: wbAge, callbridgeAgeMs: cbAge, apiAgeMs: apiAge, staleAfterMs: t.staleAfterMs };
  const fmt = (ms: number | null) => (ms === null ? 'never' : `${Math.round(ms / 1000)} s`);
  const ahead = [
    input.webbridgeSeenAt,
    input.oldestCallbridgeSeenAt,
    input.apiRealSessions?.at,
    input.newestDataAt,
  ].filter((at) => fromTheFuture(input.now, at)) as number[];
  if (ahead.length > 0) {
    const by = Math.round((Math.max(...ahead) - input.now) / 1000);
    const detail = `session data is stamped ${by} s ahead of wbguard's clock: the clocks of wbguard and CMS disagree (was the clock stepped back?)`;
    return {
      guard: 'fresh',
      verdict: input.force ? 'forced' : 'fail',
      detail,
      numbers: { ...numbers, aheadMs: by * 1000 },
    };
  }
  const detail = `Web Bridge data ${fmt(wbAge)} old, Call Bridge data ${fmt(cbAge)} old (max ${fmt(t.staleAfterMs)})`;
  if (wbFresh && cbFresh) {
    return { guard: 'fresh', verdict: 'pass', detail, numbers };
  }
  return { guard: 'fresh', verdict: input.force ? 'forced' : 'fail', detail, numbers };
}

function guardNotTooOften(input: RestartInput, t: GuardThresholds): GuardResult {
  const pass = input.restartsToday < t.maxPerDay;
  return {
    guard: 'not-too-often',
    verdict: pass ? 'pass' : 'fail',
    detail: `${input.restartsToday} restart(s) today, at most ${t.maxPerDay}`,
    numbers: { restartsToday: input.restartsToday, maxPerDay: t.maxPerDay },
  };
}

function guardOneAtATime(input: RestartInput): GuardResult {
  const busy = input.restartInFlight !== null;
  return {
    guard: 'one-at-a-time',
    verdict: busy ? 'fail' : 'pass',
    detail: busy
      ? `${input.restartInFlight} ${input.inFlightWhy ?? 'is being restarted'}`
      : 'no other restart in flight',
    numbers: { restartInFlight: input.restartInFlight },
  };
}

/**
 * Evaluates every guard for one Web Bridge. `restart` only when all pass (or are forced); `defer` when the only
 * objections are temporary (stale data, another restart in flight, real sessions present); `skip` otherwise
 * (nothing worth restarting, or the day's quota is used).
 */
export function evaluateRestart(input: RestartInput, thresholds: GuardThresholds): RestartDecision {
  const guards = [
    guardFresh(input, thresholds),
    guardWorthIt(input, thresholds),
    guardIdle(input, thresholds),
    guardNotTooOften(input, thresholds),
    guardOneAtATime(input),
  ];
  const failed = guards.filter((g) => g.verdict === 'fail');
  const base = {
    name: input.name,
    guards,
    leakedMin: leakEstimate(input).value,
    active: input.active,
  };
  if (failed.length === 0) {
    const reasons = guards.map((g) => `${g.guard}: ${g.verdict === 'forced' ? 'FORCED — ' : ''}${g.detail}`);
    return { kind: 'restart', ...base, reasons };
  }
  const reasons = failed.map((g) => `${g.guard}: ${g.detail}`);
  const permanent = failed.some((g) => g.guard === 'worth-it' || g.guard === 'not-too-often');
  return { kind: permanent ? 'skip' : 'defer', ...base, reasons };
}
