/**
 * @module app/daemon/view-model
 * What the dashboard and the JSON API show of one guarded cluster: its state (the live report with the guard's
 * mode, window, restart in flight, API and MMP checks) and the calls the HTTP server makes on it. Built by the
 * cluster's guard (cluster-guard.ts); served by app/http/server.ts.
 */
import { clusterLeakEstimate, windowOpen } from '../../core/decision/decide.js';
import type { ApiCount } from '../../core/decision/snapshot.js';
import type { AnalysisReport, AnalysisSeries, Series } from '../../core/model.js';
import { nextAllowedAt } from '../../core/policy/index.js';
import type { WbguardConfig } from '../config/index.js';
import type { NodeResult } from '../restart/orchestrator.js';
import type { Evaluation } from './policy-loop.js';

export interface DaemonState extends AnalysisReport {
  readonly clusterName: string;
  /** `single`, or with ha: `leader` or `follower` (only the leader acts). */
  readonly role: string;
  /** The Web Bridge session limit (analysis.limit). */
  readonly limit: number;
  readonly mode: string;
  readonly windowOpen: boolean;
  /** Next instant a restart is allowed (window open, no blackout), ISO-8601; null when none within 8 days. */
  readonly nextWindow: string | null;
  /** The Web Bridge being restarted now, if any. */
  readonly restarting: string | null;
  readonly unknownHosts: Record<string, number>;
  readonly api: unknown;
  /**
   * The cluster's leak estimate Σ active − Σ real sessions, from the fresher of the two views of real sessions:
   * the CMS API's count or the Call Bridges' STATS lines, and which one it used.
   */
  readonly leakEstimate: { readonly value: number; readonly source: 'api' | 'syslog'; readonly at: string | null };
  /** The MMP login probe's latest result per Web Bridge. */
  readonly mmp: ReadonlyArray<{ name: string; ok: boolean; at: string; code?: string; message?: string }>;
}

/** What the HTTP API serves of one cluster. */
export interface ClusterHttp {
  readonly name: string;
  readonly state: () => DaemonState;
  readonly series: () => AnalysisSeries;
  /**
   * Active sessions per Web Bridge and CMA per Call Bridge from the store's per-minute table (kept months), for spans
   * longer than the analysis keeps in memory; each bucket's highest count.
   */
  readonly minuteHistory?: (
    from: number,
    to: number,
    bucketMs: number,
  ) => Promise<{ webbridges: Map<string, Series>; callbridges: Map<string, Series> }>;
  readonly plan: () => Evaluation;
  readonly restart: (names: readonly string[] | undefined) => Promise<NodeResult[]>;
  /** The cluster's Web Bridges: a restart request naming another is refused. */
  readonly webbridgeNames: readonly string[];
}

/** What a cluster's state is made of, at one instant, beside its configuration. */
export interface ClusterFacts {
  readonly at: number;
  readonly report: AnalysisReport;
  readonly role: string;
  readonly restarting: string | null;
  readonly unknownHosts: Record<string, number>;
  /** The CMS API pollers' views (reachability, counts, errors). */
  readonly api: unknown;
  /** The CMS API's count of real sessions, whatever its age, for the leak estimate. */
  readonly apiCount: ApiCount | undefined;
  readonly mmp: DaemonState['mmp'];
}

/** Builds one cluster's `DaemonState`; remembers the next window for a minute (its search walks minutes). */
export class ClusterView {
  readonly #config: WbguardConfig;
  #nextWindowMemo = { at: Number.NaN, value: null as string | null };

  constructor(config: WbguardConfig) {
    this.#config = config;
  }

  state(f: ClusterFacts): DaemonState {
    const policy = this.#config.policy;
    const e = clusterLeakEstimate(
      f.report.cluster.active,
      f.report.callbridges.map((c) => ({ name: c.name, cma: c.cma, at: c.lastSeen ? Date.parse(c.lastSeen) : null })),
      f.apiCount,
    );
    return {
      ...f.report,
      clusterName: this.#config.cluster,
      role: f.role,
      limit: this.#config.analysis.limit,
      mode: policy.mode,
      windowOpen: windowOpen({ now: f.at, policy }),
      nextWindow: this.#nextWindow(f.at),
      restarting: f.restarting,
      unknownHosts: f.unknownHosts,
      api: f.api,
      mmp: f.mmp,
      leakEstimate: { ...e, at: e.at === null ? null : new Date(e.at).toISOString() },
    };
  }

  #nextWindow(t: number): string | null {
    if (Math.floor(t / 60_000) !== Math.floor(this.#nextWindowMemo.at / 60_000)) {
      const p = this.#config.policy;
      const next = nextAllowedAt(t, p.windows, p.blackouts, p.tz);
      this.#nextWindowMemo = { at: t, value: next === null ? null : new Date(next).toISOString() };
    }
    return this.#nextWindowMemo.value;
  }
}
