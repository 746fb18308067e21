/**
 * @module app/daemon/metrics
 * Prometheus metrics of the daemon (names fixed by issue 5: people's dashboards and alerts rely on them).
 * Gauges are computed from the live analysis at scrape time.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { AnalysisReport } from '../../core/model.js';

export interface DaemonMetrics {
  readonly registry: Registry;
  readonly restarts: Counter<'webbridge' | 'result'>;
  /**
   * Counted in a plain tally, folded into `wbguard_syslog_messages_total` at scrape time: prom-client hashes the
   * labels on every inc(), about a tenth of the main thread's time per message at full ingest rate.
   */
  readonly syslogMessages: { inc(labels: { transport: string }): void };
  readonly syslogDropped: Counter<'transport'>;
  readonly alertsSent: Counter<'channel' | 'event' | 'status'>;
  readonly alertsFailed: Counter<'channel' | 'event'>;
}

export function createMetrics(
  report: () => AnalysisReport,
  limit: number,
  malformed: () => number,
  api: () => ReadonlyArray<{ name: string; count: { acano: number } | undefined }> = () => [],
): DaemonMetrics {
  const registry = new Registry();
  const byWb = (f: (w: AnalysisReport['webbridges'][number]) => number | null) =>
    function (this: Gauge<'webbridge'>) {
      this.reset();
      for (const w of report().webbridges) {
        const v = f(w);
        if (v !== null) {
          this.set({ webbridge: w.name }, v);
        }
      }
    };
  new Gauge({
    name: 'wbguard_webbridge_active_sessions',
    help: 'Active sessions on a Web Bridge (last Stats line)',
    labelNames: ['webbridge'],
    registers: [registry],
    collect: byWb((w) => w.active),
  });
  new Gauge({
    name: 'wbguard_webbridge_leaked_sessions',
    help: 'Leaked sessions on a Web Bridge, proven lower bound',
    labelNames: ['webbridge'],
    registers: [registry],
    collect: byWb((w) => w.leakedMin),
  });
  new Gauge({
    name: 'wbguard_webbridge_at_limit',
    help: '1 when a Web Bridge is at its session limit',
    labelNames: ['webbridge'],
    registers: [registry],
    collect: byWb((w) => (w.active === null ? null : w.active >= limit ? 1 : 0)),
  });
  new Gauge({
    name: 'wbguard_callbridge_cma_sessions',
    help: 'CMA sessions on a Call Bridge (last STATS line)',
    labelNames: ['callbridge'],
    registers: [registry],
    collect(this: Gauge<'callbridge'>) {
      this.reset();
      for (const c of report().callbridges) {
        if (c.cma !== null) {
          this.set({ callbridge: c.name }, c.cma);
        }
      }
    },
  });
  new Gauge({
    name: 'wbguard_cluster_leaked_sessions',
    help: 'Cluster leak estimate: sum of Web Bridge active minus sum of CMA',
    registers: [registry],
    collect(this: Gauge) {
      this.set(report().cluster.leaked);
    },
  });
  new Gauge({
    name: 'wbguard_callbridge_api_cma_legs',
    help: 'Real CMA legs on a Call Bridge counted by the CMS API (distribution links excluded)',
    labelNames: ['callbridge'],
    registers: [registry],
    collect(this: Gauge<'callbridge'>) {
      this.reset();
      for (const v of api()) {
        if (v.count) {
          this.set({ callbridge: v.name }, v.count.acano);
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
      labelNames: ['webbridge', 'result'],
      registers: [registry],
    }),
    syslogMessages: {
      inc: ({ transport }) => {
        received.set(transport, (received.get(transport) ?? 0) + 1);
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
