/**
 * @module core/parse/stats-bytes
 * The Web Bridge `Stats N, c:X, d:Y` line read straight from bytes: 96 % of the candidate lines of a CMS log, so the
 * line reader's general path (a string per line, the envelope's objects and slices, a regular expression, the
 * payload object) was most of what parsing cost. Only the common shape is read here — a BSD stamp, an optional
 * `facility.severity`, an ASCII host, one `Stats` with single spaces, no `STATS:` — and it must give exactly what
 * `createLineReader().read()` gives for the same line (a test holds the two equal); anything else answers
 * undefined and goes the general way.
 */
import { isFacilitySeverityToken } from './syslog-envelope.js';
import { type BsdStamp, monthOfCodes, validClock } from './timestamp.js';

const SPACE = 32;
const TAB = 9;
const COLON = 58;
const COMMA = 44;
const DOT = 46;
const CR = 13;
/** Longer lines go the general way (it refuses lines over 64 Ki characters). */
const MAX_FAST_LINE = 4096;
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
  /** The last host token's bytes, a plain array: comparing with one was a third faster than with a Buffer. */
  #hostBytes: number[] = [];
  #tokenBytes: number[] = [];
  #tokenIsFacility = false;

  /**
   * Whether `bytes[start, end)` (no newline) is a Stats line of the common shape; its fields are then on the reader
   * (`stamp`, `host`, `active`, `connects`, `disconnects`) until the next call. False changes nothing but the cache.
   */
  read(bytes: Uint8Array, start: number, lineEnd: number): boolean {
    let end = lineEnd;
    if (end > start && bytes[end - 1] === CR) {
      end--;
    }
    if (end - start > MAX_FAST_LINE) {
      return false;
    }
    // The BSD stamp, as readBsdStamp reads it.
    const month = monthOfCodes(byteAt(bytes, end, start), byteAt(bytes, end, start + 1), byteAt(bytes, end, start + 2));
    if (month === undefined) {
      return false;
    }
    let p = start + 3;
    if (byteAt(bytes, end, p) !== SPACE) {
      return false;
    }
    p += byteAt(bytes, end, p + 1) === SPACE ? 2 : 1;
    let day = digitAt(bytes, end, p);
    if (day < 0) {
      return false;
    }
    p++;
    const second = digitAt(bytes, end, p);
    if (second >= 0) {
      day = day * 10 + second;
      p++;
    }
    if (byteAt(bytes, end, p) !== SPACE) {
      return false;
    }
    const hour = twoDigitsAt(bytes, end, p + 1);
    const minute = byteAt(bytes, end, p + 3) === COLON ? twoDigitsAt(bytes, end, p + 4) : -1;
    const sec = byteAt(bytes, end, p + 6) === COLON ? twoDigitsAt(bytes, end, p + 7) : -1;
    if (hour < 0 || minute < 0 || sec < 0) {
      return false;
    }
    p += 9;
    let ms = 0;
    if (byteAt(bytes, end, p) === DOT) {
      let digits = 0;
      for (let d = digitAt(bytes, end, p + 1); d >= 0; d = digitAt(bytes, end, p + 1 + digits)) {
        if (digits < 3) {
          ms = ms * 10 + d;
        }
        digits++;
      }
      if (digits === 0 || digits > 6) {
        return false;
      }
      ms *= digits >= 3 ? 1 : digits === 2 ? 10 : 100;
      p += 1 + digits;
    }
    if (p < end && byteAt(bytes, end, p) !== SPACE) {
      return false;
    }
    if (!validClock(month, day, hour, minute, sec)) {
      return false;
    }
    const stampEnd = p - start;
    // The envelope, as parseEnvelope reads it: an optional facility.severity token, the host, up to two tokens
    // for the tag (the message starts after the first one ending in ':').
    p = skipBlanks(bytes, end, p);
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
    const stamp = this.stamp;
    stamp.month = month;
    stamp.day = day;
    stamp.hour = hour;
    stamp.minute = minute;
    stamp.second = sec;
    stamp.ms = ms;
    stamp.end = stampEnd;
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

/** The byte at `i` of a line ending at `end`, or -1 past it (as charCodeAt gives NaN). */
function byteAt(bytes: Uint8Array, end: number, i: number): number {
  return i < end ? (bytes[i] as number) : -1;
}

function digitAt(bytes: Uint8Array, end: number, i: number): number {
  const c = byteAt(bytes, end, i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function twoDigitsAt(bytes: Uint8Array, end: number, i: number): number {
  const a = digitAt(bytes, end, i);
  const b = digitAt(bytes, end, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function skipBlanks(bytes: Uint8Array, end: number, i: number): number {
  while (i < end && (bytes[i] === SPACE || bytes[i] === TAB)) {
    i++;
  }
  return i;
}

function tokenEndAt(bytes: Uint8Array, end: number, i: number): number {
  while (i < end && bytes[i] !== SPACE && bytes[i] !== TAB) {
    i++;
  }
  return i;
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
