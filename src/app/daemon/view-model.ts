/**
 * @module app/daemon/view-model
 * What the dashboard and the JSON API show of one guarded cluster: its state (the live report with the guard's
 * mode, window, restart in flight, API and MMP checks) and the calls the HTTP server makes on it. Built by the
 * cluster's guard (cluster-guard.ts); served by app/http/server.ts.
 */
import type { AnalysisReport, AnalysisSeries, Series } from '../../core/model.js';
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
