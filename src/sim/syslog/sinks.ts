/**
 * @module sim/syslog/sinks
 * Where the simulator sends its CMS syslog: UDP (one datagram a line, `<PRI>` prefixed, as CMS sends to a remote
 * syslog server — docs/cms-facts.md §3.2), TCP with LF or RFC 6587 octet-counted framing, TLS, or files written as
 * rsyslog would (no PRI; `{node}` in the path gives one file per node). Stream sinks reconnect with back-off and
 * count what they had to drop.
 */
import { createSocket } from 'node:dgram';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { priOf } from './templates.js';

export type SinkSpec =
  | { kind: 'udp'; host: string; port: number }
  | { kind: 'tcp' | 'tls'; host: string; port: number; framing: 'lf' | 'octet'; ca?: string; insecure?: boolean }
  | { kind: 'file'; path: string };

export interface SyslogSink {
  readonly spec: SinkSpec;
  send(node: string, line: string): void;
  readonly stats: { sent: number; dropped: number };
  close(): Promise<void>;
}

/** Parses `udp://h:p`, `tcp://h:p?framing=octet`, `tls://h:p?ca=/path|insecure=1`, `file:PATH`. */
export function parseSinkUrl(url: string): SinkSpec {
  if (url.startsWith('file:')) {
    const path = url.slice(5);
    if (!path) {
      throw new TypeError(`syslog file sink needs a path [url:${url}]`);
    }
    return { kind: 'file', path };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(
      `not a syslog URL [url:${url}] (use udp://host:port, tcp://host:port, tls://host:port or file:PATH)`,
    );
  }
  const kind = u.protocol.replace(':', '');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || (kind === 'tls' ? 6514 : 514));
  if (kind === 'udp') {
    return { kind, host, port };
  }
  if (kind === 'tcp' || kind === 'tls') {
    const framing = u.searchParams.get('framing') === 'octet' ? 'octet' : 'lf';
    const ca = u.searchParams.get('ca') ?? undefined;
    const insecure = u.searchParams.get('insecure') === '1';
    return { kind, host, port, framing, ...(ca ? { ca } : {}), ...(insecure ? { insecure } : {}) };
  }
  throw new TypeError(`unknown syslog transport [url:${url}] (use udp, tcp, tls or file)`);
}

const MAX_QUEUED = 10_000;

function streamSink(spec: Extract<SinkSpec, { kind: 'tcp' | 'tls' }>): SyslogSink {
  const stats = { sent: 0, dropped: 0 };
  let socket: Socket | undefined;
  let connected = false;
  let closed = false;
  let backoffMs = 100;
  let timer: NodeJS.Timeout | undefined;
  const queue: string[] = [];
  const frame = (line: string) => {
    const msg = `<${priOf(line)}>${line}`;
    return spec.framing === 'octet' ? `${Buffer.byteLength(msg)} ${msg}` : `${msg}\n`;
  };
  const flush = () => {
    while (connected && socket && queue.length > 0) {
      socket.write(queue.shift() as string);
      stats.sent++;
    }
  };
  const open = () => {
    if (closed) {
      return;
    }
    const s =
      spec.kind === 'tls'
        ? tlsConnect({
            host: spec.host,
            port: spec.port,
            ...(spec.ca ? { ca: readFileSync(spec.ca) } : {}),
            rejectUnauthorized: !spec.insecure,
            servername: spec.host,
          })
        : netConnect({ host: spec.host, port: spec.port });
    socket = s;
    s.once(spec.kind === 'tls' ? 'secureConnect' : 'connect', () => {
      connected = true;
      backoffMs = 100;
      flush();
    });
    s.on('error', () => {
      // reconnect below on close
    });
    s.on('close', () => {
      connected = false;
      if (!closed) {
        timer = setTimeout(open, backoffMs);
        backoffMs = Math.min(backoffMs * 2, 10_000);
      }
    });
  };
  open();
  return {
    spec,
    stats,
    send(_node, line) {
      queue.push(frame(line));
      if (queue.length > MAX_QUEUED) {
        queue.shift();
        stats.dropped++;
      }
      flush();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      flush();
      await new Promise<void>((resolve) => {
        if (!socket || socket.destroyed) {
          resolve();
          return;
        }
        socket.end(() => resolve());
        setTimeout(() => {
          socket?.destroy();
          resolve();
        }, 1000).unref();
      });
    },
  };
}

function udpSink(spec: Extract<SinkSpec, { kind: 'udp' }>): SyslogSink {
  const stats = { sent: 0, dropped: 0 };
  const socket = createSocket(spec.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', () => {
    stats.dropped++;
  });
  return {
    spec,
    stats,
    send(_node, line) {
      socket.send(`<${priOf(line)}>${line}`, spec.port, spec.host, (err) => {
        if (err) {
          stats.dropped++;
        } else {
          stats.sent++;
        }
      });
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function fileSink(spec: Extract<SinkSpec, { kind: 'file' }>): SyslogSink {
  const stats = { sent: 0, dropped: 0 };
  const fds = new Map<string, number>();
  const pending = new Map<string, string[]>();
  let count = 0;
  const pathFor = (node: string) => spec.path.replaceAll('{node}', node);
  const flush = () => {
    for (const [path, lines] of pending) {
      if (lines.length === 0) {
        continue;
      }
      let fd = fds.get(path);
      if (fd === undefined) {
        mkdirSync(dirname(path), { recursive: true });
        fd = openSync(path, 'a');
        fds.set(path, fd);
      }
      writeSync(fd, `${lines.join('\n')}\n`);
      stats.sent += lines.length;
      pending.set(path, []);
    }
    count = 0;
  };
  const timer = setInterval(flush, 200);
  timer.unref();
  return {
    spec,
    stats,
    send(node, line) {
      const path = pathFor(node);
      const list = pending.get(path) ?? [];
      list.push(line);
      pending.set(path, list);
      if (++count >= 2000) {
        flush();
      }
    },
    async close() {
      clearInterval(timer);
      flush();
      for (const fd of fds.values()) {
        closeSync(fd);
      }
      fds.clear();
    },
  };
}

export function createSink(spec: SinkSpec): SyslogSink {
  switch (spec.kind) {
    case 'udp':
      return udpSink(spec);
    case 'file':
      return fileSink(spec);
    default:
      return streamSink(spec);
  }
}
