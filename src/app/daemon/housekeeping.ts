/**
 * @module app/daemon/housekeeping
 * What `wbguard run` does for itself while it guards: deletes records past their retention (at start, then
 * hourly) and watches the clock for steps back (logged and alerted: ages are then wrong for a while).
 */
import type { AsyncStore } from '../../ports/async-store.js';
import type { Logger } from '../../ports/logger.js';
import type { WbguardConfig } from '../config/index.js';
import type { DaemonAlerts } from './alert-wiring.js';
import { watchClock } from './clock-watch.js';

/** Starts the retention and the clock watch; returns what stops them. */
export function startHousekeeping(
  config: WbguardConfig,
  deps: {
    readonly store: AsyncStore;
    /** Raw records are kept this long. */
    readonly retentionMs: number;
    readonly alerts: DaemonAlerts;
    readonly now: () => number;
    readonly log: Logger | undefined;
    /** Writes in the background (a failure is logged). */
    readonly keep: (p: Promise<unknown>) => void;
  },
): () => void {
  const { store, alerts, now, log, keep } = deps;
  const clockWatch = watchClock({ now, log, onStepBack: (from, to) => alerts.clockStepped(now(), from, to) });
  // Retention: raw records older than the retention are deleted once an hour (and at start).
  const prune = () => {
    keep(store.prune(now() - deps.retentionMs));
    keep(store.pruneMinutes(now() - config.store.minuteRetentionDays * 86_400_000));
  };
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  return () => {
    clearInterval(pruneTimer);
    clockWatch.close();
  };
}
