/**
 * @module app/restart/recheck
 * The guards and the maintenance window once more, for one Web Bridge, just before its restart command, from a
 * report and the history given as context (the randomized model in test/prove drives this form; the daemon's runs
 * use restart-use-case.ts `recheckRestart`, which reads the journal itself). Both decide with decide.ts.
 */
import { decide } from '../../core/decision/decide.js';
import type { AnalysisReport } from '../../core/model.js';
import type { WbguardConfig } from '../config/index.js';
import { historyFromContext, snapshotOf, verdictOfRecheck } from './restart-use-case.js';

/**
 * `inFlight` is the other Web Bridge of the cluster being restarted (the lock's holder, or one still restarting
 * other than `name`); it must not be `name` itself.
 */
export function recheckRestart(
  config: WbguardConfig,
  report: AnalysisReport,
  name: string,
  context: {
    now: number;
    restartsToday: (name: string) => number;
    inFlight: string | null;
    apiRealSessions?: { count: number; at: number } | undefined;
  },
): { kind: 'skip' | 'defer'; reasons: readonly string[] } | undefined {
  const snapshot = snapshotOf(
    config,
    report,
    { now: context.now, history: historyFromContext(config, context), api: context.apiRealSessions },
    { select: { kind: 'names', names: [name] }, force: false, except: name },
  );
  return verdictOfRecheck(decide(snapshot), true);
}
