/**
 * @module app/daemon/ingest-wiring
 * How syslog reaches the live state in `wbguard run`: the UDP, TCP and TLS listeners, the followed log files, the
 * frequent flush to the store, the back-pressure on stream senders while the store is behind, and the accounting of
 * every dropped message (metric and alert).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tailFiles } from '../../adapters/logfiles/tail.js';
import { type SyslogListener, startSyslogListener, type Transport } from '../../adapters/syslog/listeners.js';
import type { Logger } from '../../ports/logger.js';
import { parseHostPort, type WbguardConfig } from '../config/index.js';
import { explainPortInUse } from '../port-in-use.js';
import type { DaemonAlerts } from './alert-wiring.js';
import type { ClusterAnalyzers } from './cluster-analyzers.js';
import type { LiveState } from './live-state.js';
import type { DaemonMetrics } from './metrics.js';
import { syslogIngest } from './syslog-ingest.js';

export interface IngestWiring {
  readonly listeners: readonly SyslogListener[];
  /** Stops listening, following and the timers (the last records are flushed by the caller). */
  close(): Promise<void>;
}

/** Starts every configured source; when one cannot start, those already started are closed before the error. */
export async function startIngest(
  config: WbguardConfig,
  deps: {
    readonly state: LiveState<ClusterAnalyzers>;
    readonly metrics: DaemonMetrics;
    readonly alerts: DaemonAlerts;
    readonly now: () => number;
    readonly log: Logger | undefined;
  },
): Promise<IngestWiring> {
  const { state, metrics, alerts, now, log } = deps;
  const listeners: SyslogListener[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    await Promise.all(closers.map((c) => c()));
  };
  const syslog = config.syslog;
  // Messages arrive as bytes: most are counted from their bytes and never decoded (syslog-ingest.ts).
  const ingest = syslogIngest(state, metrics.syslogMessages, now);
  const SYSLOG_KEYS = { udp: 'syslog.udp', tcp: 'syslog.tcp', tls: 'syslog.tls.listen' } as const;
  const specs: Array<{ transport: Transport; listen: string | undefined }> = [
    { transport: 'udp', listen: syslog.udp },
    { transport: 'tcp', listen: syslog.tcp },
    { transport: 'tls', listen: syslog.tls?.listen },
  ];
  try {
    for (const s of specs) {
      if (!s.listen) {
        continue;
      }
      const { host, port } = parseHostPort(s.listen, s.transport === 'tls' ? 6514 : 514);
      const tlsConfig = syslog.tls;
      const tlsSecrets =
        s.transport === 'tls' && tlsConfig
          ? {
              cert: readFileSync(tlsConfig.cert, 'utf8'),
              key: config.secrets.get('syslog.tls.key')?.reveal() ?? '',
              ...(tlsConfig.ca ? { ca: readFileSync(tlsConfig.ca, 'utf8') } : {}),
              requireClientCert: tlsConfig.requireClientCert,
            }
          : undefined;
      const l = await startSyslogListener({
        transport: s.transport,
        host,
        port,
        allow: syslog.allow,
        maxFrameBytes: syslog.maxFrameBytes,
        maxConnections: syslog.maxConnections,
        recvBufferBytes: syslog.udpReceiveBufferBytes,
        maxUdpInFlightBytes: syslog.maxUdpBacklogBytes,
        // A dead receiving thread reads nothing until it is back: the administrator hears of it in the log.
        onUdpThread: (event) =>
          event === 'exited'
            ? log?.error({ transport: 'udp', port }, 'syslog UDP receiving thread stopped; starting a new one in 1 s')
            : log?.warn({ transport: 'udp', port }, 'syslog UDP receiving thread started again'),
        ...ingest,
        ...(tlsSecrets ? { tls: tlsSecrets } : {}),
      }).catch((err: unknown) => {
        throw explainPortInUse(err, `${SYSLOG_KEYS[s.transport]} in the configuration`);
      });
      listeners.push(l);
      closers.push(() => l.close());
      log?.info(
        {
          transport: s.transport,
          port: l.port,
          ...(l.receiveBufferBytes === undefined ? {} : { receiveBufferBytes: l.receiveBufferBytes }),
        },
        'syslog listener started',
      );
      // The kernel grants less than asked without a word (Linux: net.core.rmem_max): bursts are then dropped sooner.
      if (l.receiveBufferBytes !== undefined && l.receiveBufferBytes < syslog.udpReceiveBufferBytes) {
        log?.warn(
          { transport: 'udp', port: l.port, asked: syslog.udpReceiveBufferBytes, granted: l.receiveBufferBytes },
          'syslog UDP receive buffer smaller than syslog.udpReceiveBufferBytes (the kernel caps it at net.core.rmem_max): raise that limit, or bursts may be dropped',
        );
      }
    }
  } catch (err) {
    await closeAll();
    throw err;
  }

  if (config.files.length > 0) {
    const tailer = tailFiles(
      config.files.map((f) => f.path),
      (line) => state.ingest(line, now()),
      // Positions are saved a poll behind the commits: a crash re-reads at most one poll's lines (stored once).
      { positionsPath: join(config.state, 'tail-positions.json'), beforeSave: () => void state.flush() },
    );
    closers.push(() => tailer.close());
  }

  // Commit received records often: a record is acknowledged (counted, shown) only once it is in the store, and
  // small commits keep the event loop free for the UDP socket (200 ms batches lost 6 % at 100k/s; docs/benchmarks.md).
  const flushTimer = setInterval(() => void state.flush(), 50);
  closers.push(() => clearInterval(flushTimer));
  // The store commits in its own thread; past this backlog, stream sockets wait for it (TCP pushes back on senders).
  state.onBacklog(100_000, (over) => {
    for (const l of listeners) {
      if (over) {
        l.pause();
      } else {
        l.resume();
      }
    }
  });

  // Drops: senders refused by the allow-list, bad frames, refused connections, UDP datagrams dropped while the main
  // thread was too far behind (listeners.ts, maxUdpInFlightBytes), and what the kernel dropped at the UDP socket
  // (a full receive buffer: that socket's own count, not the machine's, kernel-drops.ts).
  const seenDrops = new Map<Transport, number>();
  const seenKernelDrops = new Map<SyslogListener, number>(listeners.map((l) => [l, l.kernelDrops() ?? 0]));
  const dropTimer = setInterval(() => {
    for (const l of listeners) {
      const total = l.counters.denied + l.counters.badFrames + l.counters.refused + l.counters.dropped;
      const delta = total - (seenDrops.get(l.transport) ?? 0);
      if (delta > 0) {
        metrics.syslogDropped.inc({ transport: l.transport }, delta);
        alerts.drops(l.transport, delta, now());
        seenDrops.set(l.transport, total);
      }
    }
    for (const l of listeners) {
      const kernel = l.kernelDrops();
      if (kernel === undefined) {
        continue;
      }
      const delta = kernel - (seenKernelDrops.get(l) ?? 0);
      if (delta > 0) {
        metrics.syslogDropped.inc({ transport: l.transport }, delta);
        alerts.drops(l.transport, delta, now());
        seenKernelDrops.set(l, kernel);
      }
    }
  }, 1000);
  closers.push(() => clearInterval(dropTimer));
  return { listeners, close: closeAll };
}
