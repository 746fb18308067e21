/**
 * @module app/daemon/cluster-analyzers
 * One live analysis per configured cluster, fed from the one syslog stream: each record goes to the cluster whose
 * node sends it. The leak of a cluster is Σ of its Web Bridges − Σ of its Call Bridges' CMA, so two clusters must
 * never share an analysis (and node names are unique only within a cluster).
 */
import { type AnalyzerOptions, ClusterAnalyzer } from '../../core/analysis/index.js';
import type { AnalysisReport, AnalysisSeries, CmsRecord, LineCounts } from '../../core/model.js';
import { callbridgeNameMap, type WbguardConfig, webbridgeNameMap } from '../config/index.js';

/** What LiveState needs of its analysis: records in, one report out. */
export interface LiveAnalyzer {
  add(record: CmsRecord): void;
  report(lines: LineCounts, at?: number): AnalysisReport;
}

export class ClusterAnalyzers implements LiveAnalyzer {
  readonly names: readonly string[];
  readonly #byName = new Map<string, ClusterAnalyzer>();
  readonly #webbridgeHosts = new Map<string, ClusterAnalyzer>();
  readonly #callbridgeHosts = new Map<string, ClusterAnalyzer>();
  /** With one cluster, a host nobody configured still has its own node there (counted as unknown too). */
  readonly #fallback: ClusterAnalyzer | undefined;

  /** `clusters` are scoped configurations (config/scope.ts), one per cluster. */
  constructor(
    clusters: readonly WbguardConfig[],
    options: Omit<AnalyzerOptions, 'webbridgeNames' | 'callbridgeNames'>,
  ) {
    this.names = clusters.map((c) => c.cluster);
    for (const c of clusters) {
      const webbridgeNames = webbridgeNameMap(c);
      const callbridgeNames = callbridgeNameMap(c);
      const analyzer = new ClusterAnalyzer({ ...options, webbridgeNames, callbridgeNames });
      this.#byName.set(c.cluster, analyzer);
      for (const host of webbridgeNames.keys()) {
        this.#webbridgeHosts.set(host, analyzer);
      }
      for (const host of callbridgeNames.keys()) {
        this.#callbridgeHosts.set(host, analyzer);
      }
    }
    this.#fallback = clusters.length === 1 ? this.#byName.get(clusters[0]?.cluster as string) : undefined;
  }

  /** The cluster's analysis. @throws Error for a name that is not configured (a programming error). */
  of(cluster: string): ClusterAnalyzer {
    const a = this.#byName.get(cluster);
    if (!a) {
      throw new Error(`no cluster named ${cluster}`);
    }
    return a;
  }

  add(record: CmsRecord): void {
    const owner =
      record.kind === 'callbridge-stats'
        ? this.#callbridgeHosts.get(record.host)
        : record.kind === 'webbridge-stats'
          ? this.#webbridgeHosts.get(record.host)
          : (this.#webbridgeHosts.get(record.host) ?? this.#callbridgeHosts.get(record.host));
    (owner ?? this.#fallback)?.add(record);
  }

  /** The first cluster's report: what a caller that knows of one cluster only (a single-cluster file) sees. */
  report(lines: LineCounts, at?: number): AnalysisReport {
    return this.of(this.names[0] as string).report(lines, at);
  }

  series(cluster: string): AnalysisSeries {
    return this.of(cluster).series();
  }
}
