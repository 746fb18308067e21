/**
 * Synthetic CMS history for the store benchmark: clusters of nodes, each logging Web Bridge Stats every minute and
 * Call Bridge STATS every 5 minutes, in time order across all nodes (as syslog delivers them), in batches. Made
 * batch by batch so 30 days of 500 nodes (26 million records) never sit in memory at once.
 */
import type { CmsRecord } from '../../src/core/model.js';

export const DAY = 86_400_000;
const MINUTE = 60_000;

export interface FleetShape {
  readonly clusters: number;
  readonly nodesPerCluster: number;
  readonly days: number;
  /** The last instant of the history (epoch ms, a whole minute). */
  readonly end: number;
}

export function hostName(cluster: number, node: number): string {
  return `c${String(cluster).padStart(2, '0')}-n${String(node).padStart(2, '0')}`;
}

export function recordCount(shape: FleetShape): number {
  const minutes = (shape.days * DAY) / MINUTE;
  return shape.clusters * shape.nodesPerCluster * (minutes + Math.ceil(minutes / 5));
}

/** Records of the whole fleet, `batch` at a time, in time order. */
export function* fleetBatches(shape: FleetShape, batch: number): Generator<CmsRecord[]> {
  const start = shape.end - shape.days * DAY;
  let out: CmsRecord[] = [];
  for (let t = start; t < shape.end; t += MINUTE) {
    const hour = new Date(t).getUTCHours();
    const busy = hour >= 8 && hour < 18 ? 40 : 2;
    const fiveMinutes = (t - start) % (5 * MINUTE) === 0;
    let i = 0;
    for (let c = 0; c < shape.clusters; c++) {
      for (let n = 0; n < shape.nodesPerCluster; n++, i++) {
        const host = hostName(c, n);
        // Nodes log at their own second of the minute; each leaks ~4 sessions a day and is restarted weekly.
        const at = t + (i % 60) * 1000 + (i % 997);
        const leaked = Math.floor((((at - start + i * 3_600_000) % (7 * DAY)) / DAY) * 4);
        const jitter = (i * 7 + t / MINUTE) % 5;
        out.push({
          kind: 'webbridge-stats',
          at,
          host,
          active: busy + leaked + jitter,
          connects: 1000 + (t - start) / MINUTE,
          disconnects: 990 + (t - start) / MINUTE,
        });
        if (fiveMinutes) {
          const cma = busy + jitter;
          out.push({
            kind: 'callbridge-stats',
            at: at + 1,
            host,
            cma,
            cmaPeak: cma + 3,
            raw: { CMA: `${cma}/${cma + 3}`, callLegsActive: cma * 2, participantsActive: cma, audioOnly: 0 },
          });
        }
        if (out.length >= batch) {
          yield out;
          out = [];
        }
      }
    }
  }
  if (out.length > 0) {
    yield out;
  }
}
