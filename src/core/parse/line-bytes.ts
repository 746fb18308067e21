/**
 * @module core/parse/line-bytes
 * Reading a log line from bytes, a byte at a time, as the general (string) path reads it: the helpers and the BSD
 * stamp shared by the Stats line reader (stats-bytes.ts) and the envelope reader (envelope-bytes.ts).
 */
import { type BsdStamp, monthOfCodes, validClock } from './timestamp.js';

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
    let digits = 0;
    for (let d = digitAt(bytes, end, p + 1); d >= 0; d = digitAt(bytes, end, p + 1 + digits)) {
      if (digits < 3) {
        ms = ms * 10 + d;
      }
      digits++;
    }
    if (digits === 0 || digits > 6) {
      return -1;
    }
    ms *= digits >= 3 ? 1 : digits === 2 ? 10 : 100;
    p += 1 + digits;
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
