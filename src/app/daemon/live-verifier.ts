/**
 * @module app/daemon/live-verifier
 * Restart verification from live syslog: each reading needs a Stats line of the node received since the previous
 * reading (so after the restart command returned: the subscription starts then) whose proven leak — active minus
 * the cluster's CMA, as in the analysis — is below `maxLeaked`. Real guests joining again after the restart do
 * not count against it; leaked sessions that a restart failed to clear do.
 */
import type { CmsRecord } from '../../core/model.js';
import type { Verifier } from '../restart/verifiers.js';

export function liveStatsVerifier(
  subscribe: (l: (r: CmsRecord) => void) => () => void,
  hosts: ReadonlySet<string>,
  clusterCma: () => number | null,
  maxLeaked: number,
): Verifier & { stop(): void } {
  let latest: { active: number; at: number } | undefined;
  const stop = subscribe((r) => {
    if (r.kind === 'webbridge-stats' && hosts.has(r.host)) {
      latest = { active: r.active, at: r.at };
    }
  });
  return {
    name: 'syslog',
    stop,
    async read() {
      const seen = latest;
      latest = undefined;
      if (!seen) {
        return { healthy: false, detail: 'no fresh Stats line yet' };
      }
      const cma = clusterCma() ?? 0;
      const leaked = Math.max(0, seen.active - cma);
      return leaked < maxLeaked
        ? { healthy: true, detail: `Stats ${seen.active}, Σ CMA ${cma}: leaked ≥ ${leaked}` }
        : {
            healthy: false,
            detail: `Stats ${seen.active}, Σ CMA ${cma}: leaked ≥ ${leaked} ≥ ${maxLeaked}: the leak was not cleared`,
          };
    },
  };
}
