/**
 * @module adapters/syslog/listeners
 * Syslog receivers for `wbguard run`: UDP, TCP and TLS (RFC 5425) with per-connection framing detection. Every
 * message goes to `onMessage` with its sender; senders outside the allow-list and bad frames are counted, never
 * silently dropped.
 *
 * UDP: the socket (4 MiB receive buffer: the default loses bursts) is read by its own worker thread, which hands
 * datagrams over in batches (udp-receiver.ts): on this thread parsing, the store's hand-off and garbage collection
 * can stall the event loop for longer than the kernel's buffer lasts at 100k msg/s, and the kernel then drops
 * datagrams. Past `maxUdpInFlightBytes` not yet handled here the worker drops and counts them (`dropped`).
 * docs/development.md, "UDP".
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { LevelLineRule } from '../../core/parse/index.js';
import { createAllowList } from './allow-list.js';
import { type FrameSink, SyslogFrameDecoder } from './frame-decoder.js';
import { udpSocketDrops } from './kernel-drops.js';
import { afterPri } from './pri.js';
import { grantedReceiveBuffer } from './receive-buffer.js';
import { startUdpReceiver, type UdpBatch, type UdpThreadEvent } from './udp-receiver.js';
import { LevelLines, WantedFrames } from './wanted-frames.js';

export type Transport = 'udp' | 'tcp' | 'tls';

export interface ListenerCounters {
  /** Every message received, wanted or not. */
  messages: number;
  /** Of them, messages with none of the `wanted` substrings (and `skippable`): counted, never decoded. */
  unwanted: number;
  /** Messages refused because the sender is not on the allow-list. */
  denied: number;
  /** Bad frames (connection closed) on stream transports. */
  badFrames: number;
  connections: number;
  /** Connections refused because `maxConnections` were open already. */
  refused: number;
  /**
   * UDP: datagrams the receiving thread dropped because this thread was more than `maxUdpInFlightBytes` behind
   * (the kernel's own drops are counted apart: kernel-drops.ts).
   */
  dropped: number;
}

export interface SyslogListenerOptions {
  readonly transport: Transport;
  readonly host: string;
  readonly port: number;
  readonly allow?: readonly string[];
  /** @default 65536 */
  readonly maxFrameBytes?: number;
  /**
   * TCP/TLS: connections open at once, at most; more are closed at once and counted in `refused`. Each open
   * connection holds a socket (a file descriptor) and up to maxFrameBytes of an unfinished frame. @default 1024
   */
  readonly maxConnections?: number | undefined;
  /** TLS only: PEM strings. */
  readonly tls?: {
    readonly cert: string;
    readonly key: string;
    readonly ca?: string;
    readonly requireClientCert?: boolean;
  };
  readonly onMessage: (message: string, sender: string, transport: Transport) => void;
  /**
   * Byte strings one of which every message that matters holds (the parser's candidate substrings): a message with
   * none of them is counted (`counters.unwanted`, `onUnwanted`) and not decoded. Default: every message is wanted.
   */
  readonly wanted?: readonly string[];
  /**
   * Messages holding a level word but none of `wanted` that are wanted all the same (LevelLineRule: they also say
   * what a refusal says, or hold the Stats marker); the others are unwanted. Default: none.
   */
  readonly levelLines?: LevelLineRule;
  /**
   * Of the messages with none of `wanted`, those the receiver may leave unread (the others go the usual way, as if
   * wanted): the daemon keeps reading those whose envelope it cannot vouch for, to count them as malformed.
   * Default: all of them.
   */
  readonly skippable?: (bytes: Buffer, start: number, end: number) => boolean;
  /** How many unwanted messages came, after each chunk or datagram that had some. */
  readonly onUnwanted?: (count: number, transport: Transport) => void;
  /**
   * Offered each wanted message first as bytes: `bytes[start, end)` is the message after its `<PRI>` (when it has a
   * valid one; `start` is the message's start otherwise), valid during the call only. True when it took the
   * message; otherwise the whole message is decoded and goes to `onMessage`.
   */
  readonly onMessageBytes?: (bytes: Buffer, start: number, end: number, transport: Transport) => boolean;
  /** UDP receive buffer asked for (the kernel grants at most net.core.rmem_max). @default 4 MiB */
  readonly recvBufferBytes?: number;
  /**
   * UDP: datagram bytes received by the socket's thread and not yet handled here, at most; past it datagrams are
   * dropped and counted (`counters.dropped`), so a stalled main thread cannot make the process grow without end.
   * @default 64 MiB
   */
  readonly maxUdpInFlightBytes?: number;
  /** UDP: told when the receiving thread dies (it is started again a second later) and when a new one listens. */
  readonly onUdpThread?: (event: UdpThreadEvent) => void;
}

export interface SyslogListener {
  readonly transport: Transport;
  readonly port: number;
  /**
   * UDP: what the kernel dropped at this listener's socket so far (a full receive buffer; across the sockets of
   * receiving threads started again), undefined where that cannot be read (not Linux, no socket between a thread's
   * death and its successor) and for TCP/TLS, which push back instead.
   */
  kernelDrops(): number | undefined;
  /** UDP: the receive buffer the kernel granted the socket, in bytes (see receive-buffer.ts); undefined for streams. */
  readonly receiveBufferBytes?: number;
  readonly counters: ListenerCounters;
  /**
   * Stops reading stream connections (new ones too) until resume(): the senders' TCP windows fill and they wait.
   * A no-op for UDP, which cannot push back (the kernel counts what it drops).
   */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/**
 * Every message of one connection (or of the UDP socket) goes here: counted, tested against `wanted` on its bytes,
 * offered as bytes, and only then decoded. One class for all of them, so that the decoder's calls stay monomorphic.
 */
class MessageSink implements FrameSink {
  sender = 'unknown';
  readonly #o: SyslogListenerOptions;
  readonly #counters: ListenerCounters;
  readonly #transport: Transport;
  readonly #wanted: WantedFrames | undefined;
  readonly #levelLines: LevelLines | undefined;
  /** Unwanted messages not yet reported to onUnwanted. */
  #unwanted = 0;

  constructor(o: SyslogListenerOptions, counters: ListenerCounters, transport: Transport) {
    this.#o = o;
    this.#counters = counters;
    this.#transport = transport;
    this.#wanted = o.wanted && o.wanted.length > 0 ? new WantedFrames(o.wanted) : undefined;
    this.#levelLines = o.levelLines && this.#wanted ? new LevelLines(o.levelLines) : undefined;
  }

  frame(bytes: Buffer, start: number, end: number): void {
    this.#counters.messages++;
    const o = this.#o;
    const wanted = this.#wanted;
    // The messages of a chunk or of a batch of datagrams come in order in one buffer: each search serves the next.
    const hasWanted =
      wanted === undefined || wanted.has(bytes, start, end) || this.#levelLines?.wanted(bytes, start, end) === true;
    if (!hasWanted && (o.skippable?.(bytes, start, end) ?? true)) {
      this.#unwanted++;
      return;
    }
    if (o.onMessageBytes?.(bytes, afterPri(bytes, start, end), end, this.#transport)) {
      return;
    }
    o.onMessage(bytes.toString('utf8', start, end), this.sender, this.#transport);
  }

  /** Reports the unwanted messages counted since the last call (once per chunk: one call, not one per message). */
  flushUnwanted(): void {
    const n = this.#unwanted;
    if (n > 0) {
      this.#unwanted = 0;
      this.#counters.unwanted += n;
      this.#o.onUnwanted?.(n, this.#transport);
    }
  }
}

/**
 * UDP: the socket lives in its own thread (udp-receiver.ts), which drains it into batches while this thread parses
 * and stores; each batch is replayed here as the datagrams would have come, one by one.
 */
async function udp(o: SyslogListenerOptions, counters: ListenerCounters): Promise<SyslogListener> {
  const sink = new MessageSink(o, counters, 'udp');
  const replay = (b: UdpBatch) => {
    const bytes = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);
    let start = 0;
    for (let i = 0; i < b.count; i++) {
      const next = b.ends[i] as number;
      // One datagram may carry one message (RFC 5426); a trailing LF (or CRLF) is not part of it. Cut on the bytes:
      // a regex on every datagram's text costs more than the cut.
      let end = next;
      if (end > start && bytes[end - 1] === 10) {
        end -= end - 1 > start && bytes[end - 2] === 13 ? 2 : 1;
      }
      sink.sender = b.senders[b.from[i] as number] ?? 'unknown';
      sink.frame(bytes, start, end);
      start = next;
    }
    sink.flushUnwanted();
    counters.denied += b.denied;
    counters.dropped += b.dropped;
    counters.badFrames += b.errors;
  };
  // The kernel counts drops per socket, and a receiving thread started again has a new socket counting from zero:
  // what the old one had counted (as of its last reading) is carried, so that the count only grows.
  let carriedDrops = 0;
  let lastDrops = 0;
  const onThread = (event: UdpThreadEvent): void => {
    if (event === 'restarted') {
      carriedDrops += lastDrops;
      lastDrops = 0;
    }
    o.onUdpThread?.(event);
  };
  const receiver = await startUdpReceiver(
    {
      type: o.host.includes(':') ? 'udp6' : 'udp4',
      host: o.host,
      port: o.port,
      recvBufferBytes: o.recvBufferBytes ?? 4 * 1024 * 1024,
      allow: o.allow ?? [],
      maxInFlightBytes: o.maxUdpInFlightBytes ?? 64 * 1024 * 1024,
    },
    replay,
    onThread,
  );
  return {
    transport: 'udp',
    port: receiver.port,
    counters,
    receiveBufferBytes: grantedReceiveBuffer(receiver.receiveBufferBytes),
    kernelDrops: () => {
      const drops = udpSocketDrops(receiver.port, receiver.address);
      if (drops === undefined) {
        return undefined;
      }
      lastDrops = drops;
      return carriedDrops + drops;
    },
    pause: () => undefined,
    resume: () => undefined,
    close: () => receiver.close(),
  };
}

function stream(
  o: SyslogListenerOptions,
  allowed: (a: string) => boolean,
  counters: ListenerCounters,
): Promise<SyslogListener> {
  const sockets = new Set<Socket>();
  let paused = false;
  const onSocket = (s: Socket | TLSSocket) => {
    const sender = s.remoteAddress ?? 'unknown';
    if (!allowed(sender)) {
      counters.denied++;
      s.destroy();
      return;
    }
    counters.connections++;
    sockets.add(s);
    const sink = new MessageSink(o, counters, o.transport);
    sink.sender = sender;
    const decoder = new SyslogFrameDecoder(o.maxFrameBytes ?? 65_536, sink);
    s.on('data', (chunk: Buffer) => {
      const ok = decoder.push(chunk).ok;
      sink.flushUnwanted();
      if (!ok) {
        counters.badFrames++;
        s.destroy();
      }
    });
    s.on('end', () => {
      decoder.end();
      sink.flushUnwanted();
    });
    s.on('error', () => {
      // a reset connection ends like any other
    });
    s.on('close', () => sockets.delete(s));
    if (paused) {
      s.pause();
    }
  };
  let server: Server;
  if (o.transport === 'tls') {
    if (!o.tls) {
      throw new TypeError('a TLS listener needs a certificate and key');
    }
    server = createTlsServer(
      {
        cert: o.tls.cert,
        key: o.tls.key,
        ...(o.tls.ca ? { ca: o.tls.ca } : {}),
        requestCert: Boolean(o.tls.requireClientCert),
        rejectUnauthorized: Boolean(o.tls.requireClientCert),
      },
      onSocket,
    );
  } else {
    server = createServer(onSocket);
  }
  // Past the cap Node closes the new connection before it reaches onSocket: a flood of idle connections cannot use
  // up the file descriptors the store, the journal and the HTTP API need.
  server.maxConnections = o.maxConnections ?? 1024;
  server.on('drop', () => {
    counters.refused++;
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve({
        transport: o.transport,
        port: (server.address() as { port: number }).port,
        counters,
        // A stream pushes back on its sender (TCP's window): the kernel drops nothing of it.
        kernelDrops: () => undefined,
        pause: () => {
          paused = true;
          for (const s of sockets) {
            s.pause();
          }
        },
        resume: () => {
          paused = false;
          for (const s of sockets) {
            s.resume();
          }
        },
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) {
              s.destroy();
            }
            server.close(() => r());
          }),
      });
    });
  });
}

export function startSyslogListener(o: SyslogListenerOptions): Promise<SyslogListener> {
  const counters: ListenerCounters = {
    messages: 0,
    unwanted: 0,
    denied: 0,
    badFrames: 0,
    connections: 0,
    refused: 0,
    dropped: 0,
  };
  return o.transport === 'udp' ? udp(o, counters) : stream(o, createAllowList(o.allow ?? []), counters);
}
