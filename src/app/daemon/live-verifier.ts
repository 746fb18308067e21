/**
 * @module app/daemon/live-verifier
 * Restart verification from live syslog: each reading needs a Stats line of the node received since the previous
 * reading (so after the restart command returned: the subscription starts then), with fewer than `maxActive`.
 */
import type { CmsRecord } from '../../core/model.js';
import type { Verifier } from '../restart/verifiers.js';

export function liveStatsVerifier(
  subscribe: (l: (r: CmsRecord) => void) => () => void,
  hosts: ReadonlySet<string>,
  maxActive: number,
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
      return seen.active < maxActive
        ? { healthy: true, detail: `Stats ${seen.active}` }
        : { healthy: false, detail: `Stats ${seen.active} ≥ ${maxActive}: the leak was not cleared` };
    },
  };
}
