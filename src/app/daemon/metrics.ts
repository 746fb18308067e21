/**
 * @module app/daemon/metrics
 * Prometheus metrics of the daemon (names fixed by issue 5: people's dashboards and alerts rely on them).
 * Gauges are computed from the live analysis at scrape time. Every series of a node or a cluster carries a
 * `cluster` label (issue 10: one daemon may guard several clusters, and node names are unique only within one).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { AnalysisReport } from '../../core/model.js';

export interface DaemonMetrics {
  readonly registry: Registry;
  readonly restarts: Counter<'webbridge' | 'result' | 'cluster'>;
  /**
   * Counted in a plain tally, folded into `wbguard_syslog_messages_total` at scrape time: prom-client hashes the
   * labels on every inc(), about a tenth of the main thread's time per message at full ingest rate.
   */
  readonly syslogMessages: { inc(labels: { transport: string }, n?: number): void };
  readonly syslogDropped: Counter<'transport'>;
  readonly alertsSent: Counter<'channel' | 'event' | 'status'>;
  readonly alertsFailed: Counter<'channel' | 'event'>;
}

/** What the metrics read of one cluster at scrape time. */
export interface ClusterMetricsView {
  readonly name: string;
  readonly report: AnalysisReport;
  readonly api: ReadonlyArray<{ name: string; count: { acano: number } | undefined }>;
}

export function createMetrics(
  clusters: () => readonly ClusterMetricsView[],
  limit: number,
  malformed: () => number,
): DaemonMetrics {
  const registry = new Registry();
  const byWb = (f: (w: AnalysisReport['webbridges'][number]) => number | null) =>
    function (this: Gauge<'webbridge' | 'cluster'>) {
      this.reset();
      for (const k of clusters()) {
        for (const w of k.report.webbridges) {
          const v = f(w);
          if (v !== null) {
            this.set({ webbridge: w.name, cluster: k.name }, v);
          }
        }
      }
    };
  new Gauge({
    name: 'wbguard_webbridge_active_sessions',
    help: 'Active sessions on a Web Bridge (last Stats line)',
    labelNames: ['webbridge', 'cluster'],
    registers: [registry],
    collect: byWb((w) => w.active),
  });
  new Gauge({
    name: 'wbguard_webbridge_leaked_sessions',
    help: 'Leaked sessions on a Web Bridge, proven lower bound',
    labelNames: ['webbridge', 'cluster'],
    registers: [registry],
    collect: byWb((w) => w.leakedMin),
  });
  new Gauge({
    name: 'wbguard_webbridge_at_limit',
    help: '1 when a Web Bridge is at its session limit',
    labelNames: ['webbridge', 'cluster'],
    registers: [registry],
    collect: byWb((w) => (w.active === null ? null : w.active >= limit ? 1 : 0)),
  });
  new Gauge({
    name: 'wbguard_callbridge_cma_sessions',
    help: 'CMA sessions on a Call Bridge (last STATS line)',
    labelNames: ['callbridge', 'cluster'],
    registers: [registry],
    collect(this: Gauge<'callbridge' | 'cluster'>) {
      this.reset();
      for (const k of clusters()) {
        for (const c of k.report.callbridges) {
          if (c.cma !== null) {
            this.set({ callbridge: c.name, cluster: k.name }, c.cma);
          }
        }
      }
    },
  });
  new Gauge({
    name: 'wbguard_cluster_leaked_sessions',
    help: 'Cluster leak estimate: sum of Web Bridge active minus sum of CMA',
    labelNames: ['cluster'],
    registers: [registry],
    collect(this: Gauge<'cluster'>) {
      this.reset();
      for (const k of clusters()) {
        this.set({ cluster: k.name }, k.report.cluster.leaked);
      }
    },
  });
  new Gauge({
    name: 'wbguard_callbridge_api_cma_legs',
    help: 'Real CMA legs on a Call Bridge counted by the CMS API (distribution links excluded)',
    labelNames: ['callbridge', 'cluster'],
    registers: [registry],
    collect(this: Gauge<'callbridge' | 'cluster'>) {
      this.reset();
      for (const k of clusters()) {
        for (const v of k.api) {
          if (v.count) {
            this.set({ callbridge: v.name, cluster: k.name }, v.count.acano);
          }
        }
      }
    },
  });
  let malformedSeen = 0;
  new Counter({
    name: 'wbguard_log_lines_malformed_total',
    help: 'Log lines that could not be read',
    registers: [registry],
    collect(this: Counter) {
      const now = malformed();
      if (now > malformedSeen) {
        this.inc(now - malformedSeen);
        malformedSeen = now;
      }
    },
  });
  const received = new Map<string, number>();
  new Counter({
    name: 'wbguard_syslog_messages_total',
    help: 'Syslog messages received',
    labelNames: ['transport'],
    registers: [registry],
    collect(this: Counter<'transport'>) {
      for (const [transport, n] of received) {
        if (n > 0) {
          this.inc({ transport }, n);
          received.set(transport, 0);
        }
      }
    },
  });
  return {
    registry,
    restarts: new Counter({
      name: 'wbguard_restarts_total',
      help: 'Web Bridge restarts by result (success, failure, abandoned)',
      labelNames: ['webbridge', 'result', 'cluster'],
      registers: [registry],
    }),
    syslogMessages: {
      inc: ({ transport }, n = 1) => {
        received.set(transport, (received.get(transport) ?? 0) + n);
      },
    },
    syslogDropped: new Counter({
      name: 'wbguard_syslog_dropped_total',
      help: 'Syslog messages refused or lost (allow-list, bad frames, kernel drops)',
      labelNames: ['transport'],
      registers: [registry],
    }),
    alertsSent: new Counter({
      name: 'wbguard_alerts_sent_total',
      help: 'Alert notices delivered, by channel, event and status (firing, repeat, recovered, event)',
      labelNames: ['channel', 'event', 'status'],
      registers: [registry],
    }),
    alertsFailed: new Counter({
      name: 'wbguard_alerts_failed_total',
      help: 'Alert notices not delivered after the retries, by channel and event',
      labelNames: ['channel', 'event'],
      registers: [registry],
    }),
  };
}
