/**
 * @module core/decision/snapshot
 * Everything the restart decision needs to know, as plain facts: numbers and epoch milliseconds, no ISO strings,
 * no journal entries, no configuration objects. Each door (CLI, HTTP, timer, daemon) fills one from what it has
 * (an analysis of logs or of the store, the journal, the lock, the CMS API) and hands it to `decide` (decide.ts).
 */
import type { GuardThresholds } from '../policy/restart-policy.js';
import type { MaintenanceWindow } from '../policy/window.js';

/** One Web Bridge as its Stats lines show it. */
export interface WebBridgeFacts {
  readonly name: string;
  /** Latest Stats active count, or null when never seen. */
  readonly active: number | null;
  /** Instant of that Stats line (epoch ms), or null. */
  readonly seenAt: number | null;
  /** Leak proven by the analysis at the Call Bridges' STATS instants, or null. */
  readonly provenLeak: number | null;
  /** Latest Stats instant at which the connect counter `c:` had risen (a guest joined), or null. */
  readonly lastJoinAt: number | null;
  /** Hours until the forecast says this Web Bridge reaches the limit, or null when none is forecast. */
  readonly limitInHours: number | null;
}

/** One Call Bridge's latest STATS line. */
export interface CallBridgeFacts {
  readonly name: string;
  /** Current CMA (real WebRTC sessions), or null when never seen. */
  readonly cma: number | null;
  /** Instant of that STATS line (epoch ms), or null. */
  readonly at: number | null;
}

/** The cluster's real sessions counted by the CMS API (every Call Bridge's, summed), and when. */
export interface ApiCount {
  readonly count: number;
  readonly at: number;
}

/** A Web Bridge's latest restart command and what came of it, from the journal. */
export interface LastRestart {
  /** When the restart command was sent (epoch ms). */
  readonly commandAt: number;
  /** Its result (`success`, `failure`, `abandoned`), or null while none is journaled. */
  readonly outcome: string | null;
}

/** The restart history as facts (filled from the journal and the lock). */
export interface RestartHistory {
  /** Restarts of each Web Bridge started today (UTC day); a missing name means 0. */
  readonly restartsToday: Readonly<Record<string, number>>;
  /** Each Web Bridge's latest restart command within the still-restarting horizon; missing means none. */
  readonly lastRestart: Readonly<Record<string, LastRestart>>;
  /** The Web Bridge holding the cluster's restart lock (a restart running now, here or in another process). */
  readonly lockHolder: string | null;
}

/** When restarts are allowed and what triggers one unasked (the `policy` section). */
export interface PolicyFacts {
  readonly windows: readonly MaintenanceWindow[];
  /** Dates (YYYY-MM-DD in `tz`) on which nothing is restarted. */
  readonly blackouts: readonly string[];
  readonly tz: string;
  /** The leak (or a forecast within `forecastWithinHours`) triggers a restart. */
  readonly leakTrigger: boolean;
  readonly forecastWithinHours: number;
}

/**
 * Which Web Bridges are considered: by name, all of them, the ones worth restarting (`leaking`: the leak trigger,
 * also `wbguard restart --leaking` and the timers), or the daemon's policy (the schedule firing: all; else the leak
 * trigger when the policy has it on).
 */
export type Selection =
  | { readonly kind: 'names'; readonly names: readonly string[] }
  | { readonly kind: 'all' }
  | { readonly kind: 'leaking' }
  | { readonly kind: 'policy'; readonly scheduleDue: boolean };

export interface Snapshot {
  /** The instant of the decision (epoch ms). */
  readonly now: number;
  /** Every configured Web Bridge of the cluster (those never seen with null facts). */
  readonly webbridges: readonly WebBridgeFacts[];
  /** Every Call Bridge of the cluster that has reported. */
  readonly callbridges: readonly CallBridgeFacts[];
  /** The CMS API's count, when every Call Bridge has an API and it answered recently enough. */
  readonly api?: ApiCount | undefined;
  /** Newest record instant of any node of the cluster (a clock stepped back shows as data from the future). */
  readonly newestDataAt: number | null;
  readonly history: RestartHistory;
  readonly policy: PolicyFacts;
  readonly thresholds: GuardThresholds;
  readonly select: Selection;
  /** Skip the guards that need session data (idle, worth it, fresh); never one-at-a-time nor the quota. */
  readonly force: boolean;
  /**
   * The Web Bridge about to be restarted by the run asking (its recheck just before its command): its own restart
   * is not "another one in flight".
   */
  readonly except?: string | undefined;
}
