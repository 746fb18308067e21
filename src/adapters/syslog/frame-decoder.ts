/**
 * @module adapters/syslog/frame-decoder
 * Splits a syslog byte stream (TCP, TLS) into messages. Each connection's framing is detected from its first byte
 * (RFC 6587): a digit starts octet counting (`LEN SP MSG`), anything else is non-transparent framing ended by LF.
 * A frame larger than `maxFrameBytes`, or a malformed length, is an error: the caller counts it and closes that
 * connection (its stream can no longer be trusted to be in step). Every message before it was delivered.
 *
 * Messages are handed over as bytes (a FrameSink): a receiver that can tell from the bytes that a message does not
 * matter makes no string of it, and a receiver of hundreds of thousands of messages a second spent a third of its
 * time making strings. A plain function receives each message as a string instead.
 */

export type FrameResult = { ok: true } | { ok: false; reason: string };

/** Receives each message as `bytes[start, end)`: valid only during the call (the bytes are reused). */
export interface FrameSink {
  frame(bytes: Buffer, start: number, end: number): void;
}

/** The longest octet count read: 10 digits (RFC 6587 bounds nothing; a frame limit of gigabytes fits). */
const MAX_COUNT_DIGITS = 10;
const LF = 10;
const CR = 13;
const SPACE = 32;
const ZERO = 0x30;

/** Hands each message to a function as a string (UTF-8). */
class StringSink implements FrameSink {
  readonly #onMessage: (message: string) => void;

  constructor(onMessage: (message: string) => void) {
    this.#onMessage = onMessage;
  }

  frame(bytes: Buffer, start: number, end: number): void {
    this.#onMessage(bytes.toString('utf8', start, end));
  }
}

export class SyslogFrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #sink: FrameSink;
  #mode: 'unknown' | 'octet' | 'lf' = 'unknown';
  #buffer: Buffer = Buffer.alloc(0);

  constructor(maxFrameBytes: number, onMessage: ((message: string) => void) | FrameSink) {
    this.#maxFrameBytes = maxFrameBytes;
    this.#sink = typeof onMessage === 'function' ? new StringSink(onMessage) : onMessage;
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
      this.#emit(this.#buffer, 0, this.#buffer.length);
    }
    this.#buffer = Buffer.alloc(0);
  }

  #emit(bytes: Buffer, start: number, to: number): void {
    // A trailing CR is not part of the message (CRLF senders); checked on the byte, not with a regex on the text.
    const end = to > start && bytes[to - 1] === CR ? to - 1 : to;
    if (end > start) {
      this.#sink.frame(bytes, start, end);
    }
  }

  #lines(): FrameResult {
    const buffer = this.#buffer;
    let start = 0;
    for (let nl = buffer.indexOf(LF); nl !== -1; nl = buffer.indexOf(LF, start)) {
      this.#emit(buffer, start, nl);
      start = nl + 1;
    }
    // The unfinished last line is copied out: the chunk it lies in may be a slice of a larger pooled buffer.
    this.#buffer = start === 0 ? buffer : Buffer.from(buffer.subarray(start));
    if (this.#buffer.length > this.#maxFrameBytes) {
      return { ok: false, reason: `frame longer than ${this.#maxFrameBytes} bytes` };
    }
    return { ok: true };
  }

  #octets(): FrameResult {
    const buffer = this.#buffer;
    const length = buffer.length;
    let pos = 0;
    let result: FrameResult = { ok: true };
    for (;;) {
      // Some senders add a LF (or CRLF) after each octet-counted frame; it may arrive in the next chunk.
      while (pos < length && (buffer[pos] === LF || buffer[pos] === CR)) {
        pos++;
      }
      // The count is read here byte by byte: a native search for the space was a call per frame, and cost more.
      let count = 0;
      let p = pos;
      while (p < length && p - pos <= MAX_COUNT_DIGITS) {
        const d = (buffer[p] as number) - ZERO;
        if (d < 0 || d > 9) {
          break;
        }
        count = count * 10 + d;
        p++;
      }
      const digits = p - pos;
      if (p === length && digits <= MAX_COUNT_DIGITS) {
        break; // the count (or the frame) goes on in the next chunk
      }
      if (buffer[p] !== SPACE || digits === 0 || digits > MAX_COUNT_DIGITS || buffer[pos] === ZERO) {
        result =
          digits > MAX_COUNT_DIGITS
            ? { ok: false, reason: 'octet count not followed by a space' }
            : {
                ok: false,
                reason: `bad octet count ${JSON.stringify(buffer.toString('latin1', pos, Math.min(length, pos + 12)))}`,
              };
        break;
      }
      if (count > this.#maxFrameBytes) {
        result = { ok: false, reason: `frame of ${count} bytes is longer than ${this.#maxFrameBytes}` };
        break;
      }
      const end = p + 1 + count;
      if (end > length) {
        break;
      }
      this.#emit(buffer, p + 1, end);
      pos = end;
    }
    this.#buffer = pos === 0 ? buffer : Buffer.from(buffer.subarray(pos));
    return result;
  }
}
