/**
 * @module app/analyze/from-store
 * The daemon's view without the daemon: the records its store kept (the last 14 days), analysed as `analyze`
 * would. Used by `wbguard restart` without `--logs` and by `wbguard status` when the daemon does not answer.
 */
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { type AnalyzerOptions, ClusterAnalyzer } from '../../core/analysis/index.js';
import type { AnalysisReport, AnalysisSeries } from '../../core/model.js';

export function analysisFromStore(
  path: string,
  options: AnalyzerOptions & { readonly hosts?: ReadonlySet<string> },
  now = Date.now(),
): { report: AnalysisReport; series: AnalysisSeries; errors: Array<{ path: string; message: string }> } {
  const store = new SqliteStore(path);
  try {
    const analyzer = new ClusterAnalyzer(options);
    const records = store.recordsSince(now - 14 * 86_400_000);
    for (const r of records) {
      if (!options.hosts || options.hosts.has(r.host)) {
        analyzer.add(r);
      }
    }
    return {
      report: analyzer.report({ read: records.length, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 }, now),
      series: analyzer.series(),
      errors: [],
    };
  } finally {
    store.close();
  }
}
