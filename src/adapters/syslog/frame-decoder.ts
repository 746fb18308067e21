/**
 * @module adapters/syslog/frame-decoder
 * Splits a syslog byte stream (TCP, TLS) into messages. Each connection's framing is detected from its first byte
 * (RFC 6587): a digit starts octet counting (`LEN SP MSG`), anything else is non-transparent framing ended by LF.
 * A frame larger than `maxFrameBytes`, or a malformed length, is an error: the caller counts it and closes that
 * connection (its stream can no longer be trusted to be in step).
 */

export type FrameResult = { ok: true } | { ok: false; reason: string };

/** The number written in bytes [from, to): 1 to 10 digits, no leading zero; undefined otherwise. */
function octetCount(buffer: Buffer, from: number, to: number): number | undefined {
  if (to - from < 1 || to - from > 10 || buffer[from] === 0x30) {
    return undefined;
  }
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = (buffer[i] as number) - 0x30;
    if (d < 0 || d > 9) {
      return undefined;
    }
    n = n * 10 + d;
  }
  return n;
}

export class SyslogFrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #onMessage: (message: string) => void;
  #mode: 'unknown' | 'octet' | 'lf' = 'unknown';
  #buffer: Buffer = Buffer.alloc(0);

  constructor(maxFrameBytes: number, onMessage: (message: string) => void) {
    this.#maxFrameBytes = maxFrameBytes;
    this.#onMessage = onMessage;
  }

  get mode(): 'unknown' | 'octet' | 'lf' {
    return this.#mode;
  }

  push(chunk: Buffer): FrameResult {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    if (this.#mode === 'unknown' && this.#buffer.length > 0) {
      const first = this.#buffer[0] as number;
      this.#mode = first >= 0x30 && first <= 0x39 ? 'octet' : 'lf';
    }
    return this.#mode === 'octet' ? this.#octets() : this.#lines();
  }

  /** What is left when the connection ends (an unterminated last LF message is still a message). */
  end(): void {
    if (this.#mode === 'lf' && this.#buffer.length > 0) {
      this.#emit(this.#buffer);
    }
    this.#buffer = Buffer.alloc(0);
  }

  #emit(bytes: Buffer): void {
    // A trailing CR is not part of the message (CRLF senders); checked on the byte, not with a regex on the text.
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    if (end > 0) {
      this.#onMessage(bytes.toString('utf8', 0, end));
    }
  }

  #lines(): FrameResult {
    let start = 0;
    for (let nl = this.#buffer.indexOf(10); nl !== -1; nl = this.#buffer.indexOf(10, start)) {
      this.#emit(this.#buffer.subarray(start, nl));
      start = nl + 1;
    }
    this.#buffer = start === 0 ? this.#buffer : Buffer.from(this.#buffer.subarray(start));
    if (this.#buffer.length > this.#maxFrameBytes) {
      return { ok: false, reason: `frame longer than ${this.#maxFrameBytes} bytes` };
    }
    return { ok: true };
  }

  #octets(): FrameResult {
    let pos = 0;
    for (;;) {
      // Some senders add a LF after each octet-counted frame; it may arrive in the next chunk.
      while (this.#buffer[pos] === 10 || this.#buffer[pos] === 13) {
        pos++;
      }
      const space = this.#buffer.indexOf(32, pos);
      if (space === -1) {
        if (this.#buffer.length - pos > 10) {
          return { ok: false, reason: 'octet count not followed by a space' };
        }
        break;
      }
      const length = octetCount(this.#buffer, pos, space);
      if (length === undefined) {
        const digits = this.#buffer.toString('latin1', pos, Math.min(space, pos + 12));
        return { ok: false, reason: `bad octet count ${JSON.stringify(digits)}` };
      }
      if (length > this.#maxFrameBytes) {
        return { ok: false, reason: `frame of ${length} bytes is longer than ${this.#maxFrameBytes}` };
      }
      if (this.#buffer.length < space + 1 + length) {
        break;
      }
      this.#emit(this.#buffer.subarray(space + 1, space + 1 + length));
      pos = space + 1 + length;
    }
    this.#buffer = pos === 0 ? this.#buffer : Buffer.from(this.#buffer.subarray(pos));
    return { ok: true };
  }
}
