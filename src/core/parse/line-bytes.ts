/**
 * @module core/parse/line-bytes
 * Reading a log line from bytes, a byte at a time, as the general (string) path reads it: the helpers and the BSD
 * stamp shared by the Stats line reader (stats-bytes.ts) and the envelope reader (envelope-bytes.ts).
 */
import { type BsdStamp, monthOfCodes, validClock } from './timestamp.js';
import { wallClockToEpoch } from './zoned-time.js';

export const SPACE = 32;
const TAB = 9;
export const COLON = 58;
const DOT = 46;
export const CR = 13;

/** A BSD stamp being read: the fields of BsdStamp, writable (a reader keeps one, so no object is made per line). */
export type StampFields = { -readonly [K in keyof BsdStamp]: BsdStamp[K] };

export function emptyStamp(): StampFields {
  return { month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0, end: 0 };
}

/** The byte at `i` of a line ending at `end`, or -1 past it (as charCodeAt gives NaN). */
export function byteAt(bytes: Uint8Array, end: number, i: number): number {
  return i < end ? (bytes[i] as number) : -1;
}

export function digitAt(bytes: Uint8Array, end: number, i: number): number {
  const c = byteAt(bytes, end, i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function twoDigitsAt(bytes: Uint8Array, end: number, i: number): number {
  const a = digitAt(bytes, end, i);
  const b = digitAt(bytes, end, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

export function skipBlanks(bytes: Uint8Array, end: number, i: number): number {
  while (i < end && (bytes[i] === SPACE || bytes[i] === TAB)) {
    i++;
  }
  return i;
}

export function tokenEndAt(bytes: Uint8Array, end: number, i: number): number {
  while (i < end && bytes[i] !== SPACE && bytes[i] !== TAB) {
    i++;
  }
  return i;
}

const LESS = 60;
const GREATER = 62;
/** The highest PRI (facility 23, severity 7). */
const MAX_PRI = 191;

/** Where a `<PRI>` the general parser accepts ends; `start` without one; -1 for one it refuses (readPri). */
export function priEnd(bytes: Uint8Array, start: number, end: number): number {
  if (bytes[start] !== LESS) {
    return start;
  }
  let pri = 0;
  for (let p = start + 1; p < end && p <= start + 4; p++) {
    const c = bytes[p] as number;
    if (c === GREATER) {
      return p > start + 1 && pri <= MAX_PRI ? p + 1 : -1;
    }
    const d = c - 48;
    if (d < 0 || d > 9) {
      return -1;
    }
    pri = pri * 10 + d;
  }
  return -1;
}

/** The milliseconds of the fraction fractionEnd read last (no object per line). */
const fraction = { ms: 0 };

/**
 * Where the digits of a stamp's fraction from `at` end (1 to `maxDigits` of them; -1 otherwise), their first three
 * as milliseconds left in `fraction.ms`, as the string readers take them.
 */
function fractionEnd(bytes: Uint8Array, end: number, at: number, maxDigits: number): number {
  let ms = 0;
  let digits = 0;
  for (let d = digitAt(bytes, end, at); d >= 0; d = digitAt(bytes, end, at + digits)) {
    if (digits < 3) {
      ms = ms * 10 + d;
    }
    digits++;
  }
  if (digits === 0 || digits > maxDigits) {
    return -1;
  }
  fraction.ms = ms * (digits >= 3 ? 1 : digits === 2 ? 10 : 100);
  return at + digits;
}

export const DASH = 45;
const PLUS = 43;
export const COMMA = 44;
const T = 84;
const Z = 90;

/**
 * Mirrors readIsoStamp (timestamp.ts) on bytes: where the ISO 8601 stamp at `p` of a line ending at `end` ends, its
 * instant written to `out.at` (zone-less stamps read in `timeZone`); -1 when the general parser would not read one.
 * Its pattern, `YYYY-MM-DD[T ]hh:mm:ss([.,]f{1,9})?(Z|±hh:?mm)?` then a space or the end, backtracks to nothing else:
 * a fraction or zone that does not run to a space or the end leaves a digit or a zone sign that no shorter reading
 * can be followed by.
 */
export function isoStampEnd(bytes: Uint8Array, end: number, p: number, timeZone: string, out: { at: number }): number {
  const century = twoDigitsAt(bytes, end, p);
  const yearOfCentury = twoDigitsAt(bytes, end, p + 2);
  if (
    century < 0 ||
    yearOfCentury < 0 ||
    byteAt(bytes, end, p + 4) !== DASH ||
    byteAt(bytes, end, p + 7) !== DASH ||
    byteAt(bytes, end, p + 13) !== COLON ||
    byteAt(bytes, end, p + 16) !== COLON
  ) {
    return -1;
  }
  const year = century * 100 + yearOfCentury;
  const separator = byteAt(bytes, end, p + 10);
  const month = twoDigitsAt(bytes, end, p + 5);
  const day = twoDigitsAt(bytes, end, p + 8);
  const hour = twoDigitsAt(bytes, end, p + 11);
  const minute = twoDigitsAt(bytes, end, p + 14);
  const second = twoDigitsAt(bytes, end, p + 17);
  if ((separator !== T && separator !== SPACE) || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    return -1;
  }
  let q = p + 19;
  let ms = 0;
  const mark = byteAt(bytes, end, q);
  if (mark === DOT || mark === COMMA) {
    q = fractionEnd(bytes, end, q + 1, 9);
    if (q < 0) {
      return -1;
    }
    ms = fraction.ms;
  }
  let offsetMinutes: number | undefined;
  const zone = byteAt(bytes, end, q);
  if (zone === Z) {
    offsetMinutes = 0;
    q++;
  } else if (zone === PLUS || zone === DASH) {
    const hours = twoDigitsAt(bytes, end, q + 1);
    const colon = byteAt(bytes, end, q + 3) === COLON ? 1 : 0;
    const minutes = twoDigitsAt(bytes, end, q + 3 + colon);
    if (hours < 0 || minutes < 0) {
      return -1;
    }
    offsetMinutes = (zone === DASH ? -1 : 1) * (hours * 60 + minutes);
    q += 5 + colon;
  }
  if (q < end && bytes[q] !== SPACE) {
    return -1;
  }
  if (!validClock(month, day, hour, minute, second)) {
    return -1;
  }
  const at = wallClockToEpoch(timeZone, year, month, day, hour, minute, second, ms, offsetMinutes);
  if (!Number.isFinite(at)) {
    return -1;
  }
  out.at = at;
  return q;
}

/**
 * Mirrors readBsdStamp (timestamp.ts) on bytes: where the stamp at `at` of a line `[lineStart, end)` ends, its
 * fields written to `stamp` (`end` from the line's start); -1, `stamp` half written, when there is none.
 */
export function bsdStampEnd(bytes: Uint8Array, end: number, at: number, lineStart: number, stamp: StampFields): number {
  const month = monthOfCodes(byteAt(bytes, end, at), byteAt(bytes, end, at + 1), byteAt(bytes, end, at + 2));
  if (month === undefined) {
    return -1;
  }
  let p = at + 3;
  if (byteAt(bytes, end, p) !== SPACE) {
    return -1;
  }
  p += byteAt(bytes, end, p + 1) === SPACE ? 2 : 1;
  let day = digitAt(bytes, end, p);
  if (day < 0) {
    return -1;
  }
  p++;
  const second = digitAt(bytes, end, p);
  if (second >= 0) {
    day = day * 10 + second;
    p++;
  }
  if (byteAt(bytes, end, p) !== SPACE) {
    return -1;
  }
  const hour = twoDigitsAt(bytes, end, p + 1);
  const minute = byteAt(bytes, end, p + 3) === COLON ? twoDigitsAt(bytes, end, p + 4) : -1;
  const sec = byteAt(bytes, end, p + 6) === COLON ? twoDigitsAt(bytes, end, p + 7) : -1;
  if (hour < 0 || minute < 0 || sec < 0) {
    return -1;
  }
  p += 9;
  let ms = 0;
  if (byteAt(bytes, end, p) === DOT) {
    p = fractionEnd(bytes, end, p + 1, 6);
    if (p < 0) {
      return -1;
    }
    ms = fraction.ms;
  }
  if (p < end && byteAt(bytes, end, p) !== SPACE) {
    return -1;
  }
  if (!validClock(month, day, hour, minute, sec)) {
    return -1;
  }
  stamp.month = month;
  stamp.day = day;
  stamp.hour = hour;
  stamp.minute = minute;
  stamp.second = sec;
  stamp.ms = ms;
  stamp.end = p - lineStart;
  return p;
}
