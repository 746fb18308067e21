/**
 * @module app/daemon/metrics
 * Prometheus metrics of the daemon (names fixed by issue 5: people's dashboards and alerts rely on them).
 * Gauges are computed from the live analysis at scrape time. Every series of a node or a cluster carries a
 * `cluster` label (issue 10: one daemon may guard several clusters, and node names are unique only within one).
 * Beside them, prom-client's standard process and Node.js metrics (`process_*`, `nodejs_*`), which Prometheus users'
 * dashboards expect of every exporter. docs/prometheus-rules.yml alerts on these series.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
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
  collectDefaultMetrics({ register: registry });
  /** A gauge's collect: one series per node of every cluster, labelled `role` (webbridge or callbridge) and cluster. */
  const perNode = <R extends 'webbridges' | 'callbridges'>(
    nodes: R,
    f: (n: AnalysisReport[R][number]) => number | null,
  ) =>
    function (this: Gauge<'webbridge' | 'callbridge' | 'cluster'>) {
      this.reset();
      const role = nodes === 'webbridges' ? 'webbridge' : 'callbridge';
      for (const k of clusters()) {
        for (const n of k.report[nodes] as ReadonlyArray<AnalysisReport[R][number]>) {
          const v = f(n);
          if (v !== null) {
            this.set({ [role]: n.name, cluster: k.name }, v);
          }
        }
      }
    };
  /** Epoch seconds of an ISO-8601 instant, the Prometheus way of exporting a time. */
  const seconds = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso) / 1000);
  type Wb = AnalysisReport['webbridges'][number];
  type Cb = AnalysisReport['callbridges'][number];
  const webbridgeGauges: Array<[name: string, help: string, value: (w: Wb) => number | null]> = [
    ['wbguard_webbridge_active_sessions', 'Active sessions on a Web Bridge (last Stats line)', (w) => w.active],
    ['wbguard_webbridge_leaked_sessions', 'Leaked sessions on a Web Bridge, proven lower bound', (w) => w.leakedMin],
    [
      'wbguard_webbridge_at_limit',
      '1 when a Web Bridge is at its session limit',
      (w) => (w.active === null ? null : w.active >= limit ? 1 : 0),
    ],
    [
      'wbguard_webbridge_leak_rate_per_day',
      'Growth of the leaked lower bound per day since the last restart (absent while unknown)',
      (w) => w.leakRatePerDay,
    ],
    [
      'wbguard_webbridge_limit_forecast_timestamp_seconds',
      'When a Web Bridge is forecast to reach its session limit, epoch seconds (absent when not leaking)',
      (w) => seconds(w.limitForecast?.at ?? null),
    ],
    [
      'wbguard_webbridge_last_stats_timestamp_seconds',
      'Stamp of the last Web Bridge Stats line, epoch seconds',
      (w) => seconds(w.lastSeen),
    ],
    [
      'wbguard_webbridge_stale',
      '1 when no Stats line came from a Web Bridge for longer than analysis.staleAfterMs',
      (w) => (w.stale ? 1 : 0),
    ],
  ];
  const callbridgeGauges: Array<[name: string, help: string, value: (c: Cb) => number | null]> = [
    ['wbguard_callbridge_cma_sessions', 'CMA sessions on a Call Bridge (last STATS line)', (c) => c.cma],
    [
      'wbguard_callbridge_stale',
      '1 when no STATS line came from a Call Bridge for longer than analysis.staleAfterMs',
      (c) => (c.stale ? 1 : 0),
    ],
  ];
  const nodeGauges = <R extends 'webbridges' | 'callbridges'>(
    nodes: R,
    gauges: Array<[name: string, help: string, value: (n: AnalysisReport[R][number]) => number | null]>,
  ) => {
    const role = nodes === 'webbridges' ? 'webbridge' : 'callbridge';
    for (const [name, help, value] of gauges) {
      new Gauge({ name, help, labelNames: [role, 'cluster'], registers: [registry], collect: perNode(nodes, value) });
    }
  };
  nodeGauges('webbridges', webbridgeGauges);
  nodeGauges('callbridges', callbridgeGauges);
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
