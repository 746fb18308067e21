/**
 * @module core/parse/stats-bytes
 * The Web Bridge `Stats N, c:X, d:Y` line read straight from bytes: 96 % of the candidate lines of a CMS log, so the
 * line reader's general path (a string per line, the envelope's objects and slices, a regular expression, the
 * payload object) was most of what parsing cost. Only the common shape is read here — a BSD stamp, an optional
 * `facility.severity`, an ASCII host, one `Stats` with single spaces, no `STATS:` — and it must give exactly what
 * `createLineReader().read()` gives for the same line (a test holds the two equal); anything else answers
 * undefined and goes the general way.
 */

import {
  bsdStampEnd,
  byteAt,
  COLON,
  COMMA,
  CR,
  DASH,
  digitAt,
  emptyStamp,
  isoStampEnd,
  priEnd,
  SPACE,
  skipBlanks,
  tokenEndAt,
} from './line-bytes.js';
import { isFacilitySeverityToken } from './syslog-envelope.js';
import type { BsdStamp } from './timestamp.js';

/**
 * Whether an RFC 5424 version follows `<PRI>` as parseEnvelope tells it (`/^[1-9]\d? \S/`): a digit 1–9, maybe
 * another, a space, then a character that is not white space; 'unsure' past ASCII (the general way decides).
 */
function rfc5424Version(bytes: Uint8Array, p: number, end: number): 'yes' | 'no' | 'unsure' {
  if (digitAt(bytes, end, p) < 1) {
    return 'no';
  }
  const q = digitAt(bytes, end, p + 1) >= 0 ? p + 2 : p + 1;
  if (byteAt(bytes, end, q) !== SPACE) {
    return 'no';
  }
  const next = byteAt(bytes, end, q + 1);
  if (next >= 128) {
    return 'unsure';
  }
  return next < 0 || next === SPACE || (next >= 9 && next <= 13) ? 'no' : 'yes';
}

/** Longer lines go the general way (it refuses lines over 64 Ki characters). */
const MAX_FAST_LINE = 4096;

/** Where the line `[start, lineEnd)` ends without its CR (the general path drops one), or -1 when it is too long. */
function fastLineEnd(bytes: Uint8Array, start: number, lineEnd: number): number {
  const end = lineEnd > start && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
  return end - start > MAX_FAST_LINE ? -1 : end;
}
const MAX_ACTIVE = 100_000;
/** Digits read here at most: 15 are exact in a double and below Number.MAX_SAFE_INTEGER. */
const MAX_DIGITS = 15;

/** The envelope of a line read from bytes: its BSD stamp (not yet an instant) and host. */
export interface EnvelopeFields {
  readonly stamp: BsdStamp;
  readonly host: string;
}

/** The fields of a Stats line read from bytes, before its stamp is resolved to an instant. */
export interface StatsLineFields extends EnvelopeFields {
  readonly active: number;
  readonly connects: number;
  readonly disconnects: number;
}

/**
 * The fields of the Stats line last read, kept on its reader (StatsLineBytes here, and the WebAssembly reader of
 * adapters/logfiles): no object per line.
 */
export class StatsLineState implements StatsLineFields {
  /** The line's stamp (its year is not in the line). */
  readonly stamp: { -readonly [K in keyof BsdStamp]: BsdStamp[K] } = {
    month: 0,
    day: 0,
    hour: 0,
    minute: 0,
    second: 0,
    ms: 0,
    end: 0,
  };
  host = '';
  active = 0;
  connects = 0;
  disconnects = 0;
}

/**
 * Reads Stats lines of one source: keeps the last host and facility token, which repeat line after line. The fields
 * of the line just read are left on the reader (no object per line: this runs for every Stats line of gigabytes of
 * logs, and allocating the stamp and the fields cost more than reading them).
 */
export class StatsLineBytes extends StatsLineState {
  /** The stamp of the line being read, copied to `stamp` when the line is taken. */
  readonly #stamp = emptyStamp();
  /** The last host token's bytes, a plain array: comparing with one was a third faster than with a Buffer. */
  #hostBytes: number[] = [];
  #tokenBytes: number[] = [];
  #tokenIsFacility = false;
  /** The instant of the line being read (ISO stamps), copied to `at` when the line is taken. */
  readonly #instant = { at: 0 };
  /** The instant of the last line `readOtherShape` answered 'instant' for. */
  at = 0;

  /**
   * Whether `bytes[start, end)` (no newline) is a Stats line of the common shape; its fields are then on the reader
   * (`stamp`, `host`, `active`, `connects`, `disconnects`) until the next call. False changes nothing but the cache.
   */
  read(bytes: Uint8Array, start: number, lineEnd: number): boolean {
    const end = fastLineEnd(bytes, start, lineEnd);
    return end >= 0 && this.#readBsd(bytes, start, start, end);
  }

  /**
   * A BSD stamp at `at`, as readBsdStamp reads it (into a scratch stamp: a line not taken changes nothing), then the
   * rest of the line; the stamp becomes `stamp` when the line is taken.
   */
  #readBsd(bytes: Uint8Array, at: number, lineStart: number, end: number): boolean {
    const read = this.#stamp;
    const p = bsdStampEnd(bytes, end, at, lineStart, read);
    if (p < 0 || !this.#readAfterStamp(bytes, p, end)) {
      return false;
    }
    const stamp = this.stamp;
    stamp.month = read.month;
    stamp.day = read.day;
    stamp.hour = read.hour;
    stamp.minute = read.minute;
    stamp.second = read.second;
    stamp.ms = read.ms;
    stamp.end = read.end;
    return true;
  }

  /**
   * Whether `bytes[start, end)` is a Stats line of another shape the general path reads the same way: an ISO 8601
   * stamp (after an optional `<PRI>`), a `<PRI>` before a BSD stamp, or an RFC 5424 header without structured data
   * nor a nil stamp or host. ISO stamps carry their year (and zone; zone-less ones are read in `timeZone`), so the
   * instant is known here ('instant': in `at`); a BSD stamp is left in `stamp` for the caller to resolve ('bsd'), as
   * `read` leaves it. 'no' changes nothing but the caches. Why: with these shapes (rsyslog's ISO file templates,
   * RFC 5424 receivers, a syslog server's own stamp) every Stats line went the general way at ~2.7 µs.
   */
  readOtherShape(bytes: Uint8Array, start: number, lineEnd: number, timeZone: string): 'no' | 'bsd' | 'instant' {
    const end = fastLineEnd(bytes, start, lineEnd);
    if (end < 0) {
      return 'no';
    }
    const afterPri = priEnd(bytes, start, end);
    if (afterPri < 0) {
      return 'no';
    }
    if (afterPri > start) {
      const version = rfc5424Version(bytes, afterPri, end);
      if (version !== 'no') {
        return version === 'yes' && this.#readRfc5424(bytes, afterPri, end, timeZone) ? 'instant' : 'no';
      }
    }
    const p = skipBlanks(bytes, end, afterPri);
    const first = byteAt(bytes, end, p);
    if (first >= 48 && first <= 57) {
      const stampEnd = isoStampEnd(bytes, end, p, timeZone, this.#instant);
      if (stampEnd < 0 || !this.#readAfterStamp(bytes, stampEnd, end)) {
        return 'no';
      }
      this.at = this.#instant.at;
      return 'instant';
    }
    // Without a `<PRI>`, `read` has answered for a BSD stamp.
    return afterPri > start && this.#readBsd(bytes, p, start, end) ? 'bsd' : 'no';
  }

  /**
   * RFC 5424 after its `<PRI>`, as readRfc5424 reads it: six tokens (version, stamp, host, app, procid, msgid), the
   * stamp an ISO one the whole token long, structured data `-`, then the message.
   */
  #readRfc5424(bytes: Uint8Array, from: number, end: number, timeZone: string): boolean {
    let p = from;
    let stampAt = 0;
    let stampEnd = 0;
    let hostAt = 0;
    let hostEnd = 0;
    for (let i = 0; i < 6; i++) {
      p = skipBlanks(bytes, end, p);
      const e = tokenEndAt(bytes, end, p);
      if (e === p) {
        return false;
      }
      if (i === 1) {
        stampAt = p;
        stampEnd = e;
      } else if (i === 2) {
        hostAt = p;
        hostEnd = e;
      }
      p = e;
    }
    if (isoStampEnd(bytes, stampEnd, stampAt, timeZone, this.#instant) !== stampEnd) {
      return false;
    }
    // A nil host makes a record without a host: the general way says what that is.
    if ((hostEnd - hostAt === 1 && bytes[hostAt] === DASH) || !this.#readHost(bytes, hostAt, hostEnd)) {
      return false;
    }
    p = skipBlanks(bytes, end, p);
    if (byteAt(bytes, end, p) !== DASH) {
      return false;
    }
    // (A byte order mark the general way drops before the message changes nothing: the payload is looked for in it.)
    if (!this.#readPayload(bytes, skipBlanks(bytes, end, p + 1), end)) {
      return false;
    }
    this.at = this.#instant.at;
    return true;
  }

  /**
   * After the stamp, as parseEnvelope reads it: an optional facility.severity token, the host, up to two tokens for
   * the tag (the message starts after the first one ending in ':'), then the payload. Sets host and counts.
   */
  #readAfterStamp(bytes: Uint8Array, stampEnd: number, end: number): boolean {
    let p = skipBlanks(bytes, end, stampEnd);
    let e = tokenEndAt(bytes, end, p);
    const facility = this.#isFacilityToken(bytes, p, e);
    if (facility === undefined) {
      return false;
    }
    if (facility) {
      p = skipBlanks(bytes, end, e);
      e = tokenEndAt(bytes, end, p);
    }
    if (e === p) {
      return false;
    }
    if (!this.#readHost(bytes, p, e)) {
      return false;
    }
    p = skipBlanks(bytes, end, e);
    let messageStart = p;
    for (let i = 0, q = p; i < 2 && q < end; i++) {
      const te = tokenEndAt(bytes, end, q);
      if (te - q > 1 && bytes[te - 1] === COLON) {
        messageStart = skipBlanks(bytes, end, te);
        break;
      }
      q = skipBlanks(bytes, end, te);
    }
    return this.#readPayload(bytes, messageStart, end);
  }

  /** The payload from `messageStart`, as parsePayload reads it. Sets the counts. */
  #readPayload(bytes: Uint8Array, messageStart: number, end: number): boolean {
    let p: number;
    // The payload, as parsePayload reads it: no `STATS:` in the message, and its first `Stats` in the strict form.
    let stats = -1;
    for (let i = messageStart; i + 5 <= end; i++) {
      if (bytes[i] !== 83 /* S */) {
        continue;
      }
      const b = bytes[i + 1];
      if (
        b === 84 /* T */ &&
        bytes[i + 2] === 65 &&
        bytes[i + 3] === 84 &&
        bytes[i + 4] === 83 &&
        byteAt(bytes, end, i + 5) === COLON
      ) {
        return false;
      }
      if (
        stats < 0 &&
        b === 116 /* t */ &&
        bytes[i + 2] === 97 &&
        bytes[i + 3] === 116 &&
        bytes[i + 4] === 115 /* s */
      ) {
        stats = i;
      }
    }
    if (stats < 0 || byteAt(bytes, end, stats + 5) !== SPACE) {
      return false;
    }
    p = stats + 6;
    let active = 0;
    let n = 0;
    for (let d = digitAt(bytes, end, p); d >= 0; d = digitAt(bytes, end, p + n)) {
      active = active * 10 + d;
      n++;
    }
    if (
      n === 0 ||
      n > 12 ||
      active > MAX_ACTIVE ||
      byteAt(bytes, end, p + n) !== COMMA ||
      byteAt(bytes, end, p + n + 1) !== SPACE
    ) {
      return false;
    }
    p += n + 2;
    if (byteAt(bytes, end, p) !== 99 /* c */ || byteAt(bytes, end, p + 1) !== COLON) {
      return false;
    }
    p += 2;
    let connects = 0;
    n = 0;
    for (let d = digitAt(bytes, end, p); d >= 0; d = digitAt(bytes, end, p + n)) {
      connects = connects * 10 + d;
      n++;
    }
    if (n === 0 || n > MAX_DIGITS || byteAt(bytes, end, p + n) !== COMMA || byteAt(bytes, end, p + n + 1) !== SPACE) {
      return false;
    }
    p += n + 2;
    if (byteAt(bytes, end, p) !== 100 /* d */ || byteAt(bytes, end, p + 1) !== COLON) {
      return false;
    }
    p += 2;
    let disconnects = 0;
    n = 0;
    for (let d = digitAt(bytes, end, p); d >= 0; d = digitAt(bytes, end, p + n)) {
      disconnects = disconnects * 10 + d;
      n++;
    }
    if (n === 0 || n > MAX_DIGITS) {
      return false;
    }
    this.active = active;
    this.connects = connects;
    this.disconnects = disconnects;
    return true;
  }

  /** Whether the token is a facility.severity one; undefined when it is not ASCII (the general way decides). */
  #isFacilityToken(bytes: Uint8Array, from: number, to: number): boolean | undefined {
    if (!sameBytes(this.#tokenBytes, bytes, from, to)) {
      const token = asciiOf(bytes, from, to);
      if (token === undefined) {
        return undefined;
      }
      this.#tokenBytes = Array.from(bytes.subarray(from, to));
      this.#tokenIsFacility = isFacilitySeverityToken(token);
    }
    return this.#tokenIsFacility;
  }

  /** Sets `host` from the host token (the same string as the previous line's when the bytes are); ASCII only. */
  #readHost(bytes: Uint8Array, from: number, to: number): boolean {
    if (!sameBytes(this.#hostBytes, bytes, from, to)) {
      const host = asciiOf(bytes, from, to);
      if (host === undefined) {
        return false;
      }
      this.#hostBytes = Array.from(bytes.subarray(from, to));
      this.host = host;
    }
    return true;
  }
}

function sameBytes(kept: readonly number[], bytes: Uint8Array, from: number, to: number): boolean {
  if (kept.length !== to - from) {
    return false;
  }
  for (let i = 0; i < kept.length; i++) {
    if (kept[i] !== bytes[from + i]) {
      return false;
    }
  }
  return true;
}

/** The bytes as a string when they are all ASCII (then UTF-8 and Latin-1 agree), else undefined. */
function asciiOf(bytes: Uint8Array, from: number, to: number): string | undefined {
  let s = '';
  for (let i = from; i < to; i++) {
    const c = bytes[i] as number;
    if (c >= 128) {
      return undefined;
    }
    s += String.fromCharCode(c);
  }
  return s;
}
