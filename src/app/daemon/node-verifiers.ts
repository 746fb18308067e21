/**
 * @module app/daemon/node-verifiers
 * How the daemon knows a restarted Web Bridge is back: fresh low Stats lines from its hosts (live, with the
 * cluster's CMA) and the MMP status command. Shared by the daemon and the randomized model that proves its wiring.
 */
import { planEntry } from '../../core/journal/entries.js';
import type { CmsRecord } from '../../core/model.js';
import type { MmpClient } from '../../ports/mmp.js';
import type { WbguardConfig } from '../config/index.js';
import { webbridgeNameMap } from '../config/index.js';
import { targetFor } from '../restart/mmp-wiring.js';
import { mmpStatusVerifier, type Verifier } from '../restart/verifiers.js';
import { liveStatsVerifier } from './live-verifier.js';

export function nodeVerifiers(
  config: WbguardConfig,
  mmp: MmpClient,
  subscribe: (listener: (r: CmsRecord) => void) => () => void,
  clusterCma: () => number,
): (name: string) => Verifier[] {
  const wbNames = webbridgeNameMap(config);
  return (n) => {
    const hosts = new Set([...wbNames].filter(([, name]) => name === n).map(([host]) => host));
    const live = liveStatsVerifier(subscribe, hosts, clusterCma, config.restart.leakThreshold);
    const status = mmpStatusVerifier(
      mmp,
      targetFor(config, n),
      config.mmp.statusCommand,
      config.mmp.statusPattern,
      config.mmp.commandTimeoutMs,
    );
    return [live, status];
  };
}

/** The journal's plan entry of an evaluation that leads to an action or a deferral, with every guard's numbers. */
export function planJournalEntry(
  e: {
    readonly at: string;
    readonly mode: string;
    readonly action: string;
    readonly plan: {
      readonly order: readonly string[];
      readonly decisions: ReadonlyArray<{
        readonly name: string;
        readonly kind: string;
        readonly reasons: readonly string[];
        readonly guards: readonly unknown[];
      }>;
    };
  },
  trigger: string,
  cluster: string,
) {
  return planEntry({ at: Date.parse(e.at), trigger, cluster, mode: e.mode, action: e.action, plan: e.plan });
}
