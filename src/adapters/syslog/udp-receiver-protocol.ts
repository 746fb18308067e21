/**
 * @module adapters/syslog/udp-receiver-protocol
 * What the UDP receiving thread (udp-receiver-worker.ts) and its handle (udp-receiver.ts) say to each other. The
 * thread sends datagrams in batches: their bytes back to back in one buffer that is transferred, not copied, with
 * where each ends and who sent it; the handle acknowledges each batch's bytes once they are handled, which is how
 * the thread knows how far behind the main thread is.
 */

/** What the receiving thread is started with (workerData). */
export interface UdpReceiverSetup {
  readonly type: 'udp4' | 'udp6';
  readonly host: string;
  readonly port: number;
  readonly recvBufferBytes: number;
  /** The allow-list's entries: checked in the thread, so a refused datagram never costs the main thread a thing. */
  readonly allow: readonly string[];
  /** Datagram bytes posted and not yet acknowledged, at most; past it datagrams are dropped and counted. */
  readonly maxInFlightBytes: number;
}

/** Datagrams received since the last batch, and what was refused or dropped meanwhile. */
export interface UdpBatch {
  readonly kind: 'batch';
  /** Datagram i is `data[ends[i - 1] ?? 0, ends[i])`. Transferred; only the first `count` entries of `ends` count. */
  readonly data: Uint8Array;
  readonly ends: Uint32Array;
  /** Per datagram, its sender's index in `senders`. */
  readonly from: Uint8Array;
  readonly senders: readonly string[];
  readonly count: number;
  /** Datagram bytes to acknowledge once handled (0: nothing to acknowledge). */
  readonly bytes: number;
  /** Datagrams refused by the allow-list. */
  readonly denied: number;
  /** Datagrams dropped because the main thread was more than maxInFlightBytes behind. */
  readonly dropped: number;
  /** Socket errors after the bind (counted as today: `badFrames`). */
  readonly errors: number;
}

/** A bind error, with what the daemon reads from it (code, address, port: app/port-in-use.ts). */
export interface UdpBindError {
  readonly kind: 'bind-error';
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly errno?: number;
  readonly syscall?: string;
  readonly address?: string;
  readonly port?: number;
}

export type FromUdpReceiver =
  | {
      readonly kind: 'listening';
      readonly port: number;
      readonly address: string;
      /** The socket's receive buffer as the kernel reports it (SO_RCVBUF: Linux reports twice what it grants). */
      readonly receiveBufferBytes: number;
    }
  | UdpBatch
  | UdpBindError
  | { readonly kind: 'closed' };

export type ToUdpReceiver = { readonly kind: 'ack'; readonly bytes: number } | { readonly kind: 'close' };
