/**
 * @module app/doctor/syslog-sources
 * Where the doctor's syslog facts come from: its own listeners on the configured syslog addresses for N seconds
 * (the same listeners `wbguard run` uses), or log files given with `--logs` (the same readers `analyze` uses).
 * A running daemon holds those addresses; it is asked instead (daemon-source.ts).
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { readBatches } from '../../adapters/logfiles/read-batches.js';
import { expandSources } from '../../adapters/logfiles/sources.js';
import { type SyslogListener, startSyslogListener, type Transport } from '../../adapters/syslog/listeners.js';
import { unpackRecords } from '../../core/packed-records.js';
import {
  DEFAULT_JOIN_REFUSAL_SETTINGS,
  type JoinRefusalSettings,
  joinRefusalFrom,
} from '../../core/parse/join-refusal.js';
import { joinRefusalSettings, parseHostPort, type WbguardConfig } from '../config/index.js';
import { type Check, fail, warn } from './check.js';
import { SyslogObservation } from './syslog-observation.js';

export interface ListenerSeen {
  readonly transport: Transport;
  readonly address: string;
  readonly messages: number;
  /** Messages from senders outside syslog.allow. */
  readonly denied: number;
}

export interface Listened {
  readonly observation: SyslogObservation;
  readonly listeners: readonly ListenerSeen[];
  readonly seconds: number;
}

/** The configured listen addresses, by transport. */
function listenSpecs(config: WbguardConfig): Array<{ transport: Transport; listen: string }> {
  const all: Array<{ transport: Transport; listen: string | undefined }> = [
    { transport: 'udp', listen: config.syslog.udp },
    { transport: 'tcp', listen: config.syslog.tcp },
    { transport: 'tls', listen: config.syslog.tls?.listen },
  ];
  return all.filter((s): s is { transport: Transport; listen: string } => s.listen !== undefined);
}

/** The fix for a listener that could not start, naming the key that sets its address. */
function listenFix(spec: { transport: Transport; listen: string }, code: string): string {
  const key = spec.transport === 'tls' ? 'syslog.tls.listen' : `syslog.${spec.transport}`;
  if (code === 'EADDRINUSE') {
    return `another program holds ${spec.listen} (a syslog server, or wbguard run whose API does not answer at http.listen): stop it for the check, give --logs, or change ${key}`;
  }
  if (code === 'EACCES') {
    return 'ports below 1024 need privileges: run as the wbguard service user (CAP_NET_BIND_SERVICE), or give --logs';
  }
  if (spec.transport === 'tls' && code !== 'EADDRNOTAVAIL') {
    return 'check that syslog.tls.cert is a PEM certificate and syslog.tls.key refers to its PEM private key (and syslog.tls.ca, if set, to a PEM CA)';
  }
  return `check ${key}: an address of this host and a port`;
}

/** Listens on every configured syslog address for `seconds`; an address that cannot be bound is a failed check. */
export async function listenForSyslog(
  config: WbguardConfig,
  seconds: number,
  now: () => number,
  out: Check[],
): Promise<Listened | undefined> {
  const specs = listenSpecs(config);
  if (specs.length === 0) {
    out.push(
      fail(
        'syslog',
        'listeners',
        'no syslog.udp, syslog.tcp or syslog.tls configured: the doctor has nothing to listen on',
        'configure syslog.udp (e.g. 0.0.0.0:514) and point each CMS at it, or give --logs with log files',
      ),
    );
    return undefined;
  }
  const observation = new SyslogObservation(
    new Date(now()).getUTCFullYear(),
    joinRefusalFrom(joinRefusalSettings(config)),
  );
  const started: Array<{ spec: (typeof specs)[number]; listener: SyslogListener; kernelDrops: number }> = [];
  try {
    for (const spec of specs) {
      const { host, port } = parseHostPort(spec.listen, spec.transport === 'tls' ? 6514 : 514);
      const tls = spec.transport === 'tls' ? config.syslog.tls : undefined;
      try {
        const listener = await startSyslogListener({
          transport: spec.transport,
          host,
          port,
          allow: config.syslog.allow,
          maxFrameBytes: config.syslog.maxFrameBytes,
          recvBufferBytes: config.syslog.udpReceiveBufferBytes,
          maxUdpInFlightBytes: config.syslog.maxUdpBacklogBytes,
          onMessage: (message, sender, transport) => observation.addLine(message, sender, transport, now()),
          ...(tls
            ? {
                tls: {
                  cert: readFileSync(tls.cert, 'utf8'),
                  key: config.secrets.get('syslog.tls.key')?.reveal() ?? '',
                  ...(tls.ca ? { ca: readFileSync(tls.ca, 'utf8') } : {}),
                  requireClientCert: tls.requireClientCert,
                },
              }
            : {}),
        });
        started.push({ spec, listener, kernelDrops: listener.kernelDrops() ?? 0 });
        const asked = config.syslog.udpReceiveBufferBytes;
        const granted = listener.receiveBufferBytes;
        if (granted !== undefined && granted < asked) {
          out.push(
            warn(
              'syslog',
              `${spec.transport} ${spec.listen}`,
              `receive buffer ${granted} bytes, of ${asked} asked (syslog.udpReceiveBufferBytes): the kernel caps it at net.core.rmem_max, and bursts past it are dropped`,
              `sysctl -w net.core.rmem_max=${asked} (and in /etc/sysctl.d/ to keep it), or prefer TCP or TLS`,
            ),
          );
        }
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        out.push(fail('syslog', `${spec.transport} ${spec.listen}`, `cannot listen (${code})`, listenFix(spec, code)));
      }
    }
    if (started.length === 0) {
      return undefined;
    }
    await new Promise((r) => setTimeout(r, seconds * 1000));
    for (const s of started) {
      const dropped = (s.listener.kernelDrops() ?? s.kernelDrops) - s.kernelDrops;
      if (dropped > 0) {
        out.push(
          warn(
            'syslog',
            `${s.spec.transport} ${s.spec.listen}`,
            `the kernel dropped ${dropped} datagrams at this socket in ${seconds} s (its receive buffer was full)`,
            'raise syslog.udpReceiveBufferBytes (and net.core.rmem_max), or prefer TCP or TLS',
          ),
        );
      }
    }
  } finally {
    await Promise.all(started.map((s) => s.listener.close()));
  }
  return {
    observation,
    seconds,
    listeners: started.map((s) => ({
      transport: s.spec.transport,
      address: s.spec.listen,
      messages: s.listener.counters.messages,
      denied: s.listener.counters.denied,
    })),
  };
}

/** Reads log files and folders as `analyze` does; the stamp shapes are sniffed from each plain file's first lines. */
export async function readLogs(
  paths: readonly string[],
  now: () => number,
  out: Check[],
  joinRefusal: JoinRefusalSettings = DEFAULT_JOIN_REFUSAL_SETTINGS,
): Promise<SyslogObservation | undefined> {
  const { sources, errors } = await expandSources(paths, now());
  for (const e of errors) {
    out.push(fail('syslog', e.path, `cannot read: ${e.message}`, 'give a readable log file, folder or log bundle'));
  }
  if (sources.length === 0) {
    return errors.length > 0 ? undefined : new SyslogObservation(new Date(now()).getUTCFullYear());
  }
  const observation = new SyslogObservation(new Date(now()).getUTCFullYear(), joinRefusalFrom(joinRefusal));
  for (const source of sources) {
    try {
      for await (const batch of readBatches(source, { raw: false, joinRefusal })) {
        for (const r of unpackRecords(batch)) {
          observation.addRecord(r, source.path);
        }
      }
      if (source.kind === 'plain') {
        observation.noteShapes(firstLines(source.path));
      }
    } catch (err) {
      out.push(fail('syslog', source.path, `cannot read: ${(err as Error).message}`, 'give a readable log file'));
    }
  }
  return observation;
}

/** The whole lines in the first 64 KiB of a file (none of a pipe, whose lines are read already). */
function firstLines(path: string): string[] {
  // Opened without waiting: a pipe named on the command line (`<(zcat …)`) has no writer left to open it for.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) {
      return [];
    }
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, n).split('\n').slice(0, -1);
  } finally {
    closeSync(fd);
  }
}
