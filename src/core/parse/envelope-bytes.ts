/**
 * @module core/parse/envelope-bytes
 * Whether a line's syslog envelope is readable, told from its bytes for the common shape: an optional `<PRI>`, a BSD
 * stamp, then a host (after an optional `facility.severity` token). A receiver that has already seen on the bytes
 * that a line holds none of the candidate substrings knows no record can come of it; the line is then either
 * ignored or, when its envelope is unreadable, counted as malformed. This answers which without decoding the line:
 * true only when `createLineReader().read()` would surely not call it malformed (a test holds the two to that);
 * false when unsure, and the caller then reads the line the general way.
 */
import { MAX_LINE_LENGTH } from './line-reader.js';
import { monthOfCodes, validClock } from './timestamp.js';

const SPACE = 32;
const TAB = 9;
const CR = 13;
const COLON = 58;
const DOT = 46;
const LESS = 60;
const GREATER = 62;
/** The highest PRI (facility 23, severity 7). */
const MAX_PRI = 191;

function digit(bytes: Uint8Array, end: number, i: number): number {
  const c = i < end ? (bytes[i] as number) - 48 : -1;
  return c >= 0 && c <= 9 ? c : -1;
}

function twoDigits(bytes: Uint8Array, end: number, i: number): number {
  const a = digit(bytes, end, i);
  const b = digit(bytes, end, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** Where a `<PRI>` the general parser accepts ends; `start` without one; -1 for one it refuses. */
function priEnd(bytes: Uint8Array, start: number, end: number): number {
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

/** Where a BSD stamp at `p` ends (it is followed by a space or the end), as readBsdStamp reads it; -1 if none. */
function bsdStampEnd(bytes: Uint8Array, end: number, at: number): number {
  if (at + 3 > end) {
    return -1;
  }
  const month = monthOfCodes(bytes[at] as number, bytes[at + 1] as number, bytes[at + 2] as number);
  let p = at + 3;
  if (month === undefined || bytes[p] !== SPACE) {
    return -1;
  }
  p += p + 1 < end && bytes[p + 1] === SPACE ? 2 : 1;
  let day = digit(bytes, end, p);
  if (day < 0) {
    return -1;
  }
  p++;
  const second = digit(bytes, end, p);
  if (second >= 0) {
    day = day * 10 + second;
    p++;
  }
  if (p >= end || bytes[p] !== SPACE) {
    return -1;
  }
  const hour = twoDigits(bytes, end, p + 1);
  const minute = p + 3 < end && bytes[p + 3] === COLON ? twoDigits(bytes, end, p + 4) : -1;
  const sec = p + 6 < end && bytes[p + 6] === COLON ? twoDigits(bytes, end, p + 7) : -1;
  if (hour < 0 || minute < 0 || sec < 0) {
    return -1;
  }
  p += 9;
  if (p < end && bytes[p] === DOT) {
    let digits = 0;
    while (digit(bytes, end, p + 1 + digits) >= 0) {
      digits++;
    }
    if (digits === 0 || digits > 6) {
      return -1;
    }
    p += 1 + digits;
  }
  if (p < end && bytes[p] !== SPACE) {
    return -1;
  }
  return validClock(month, day, hour, minute, sec) ? p : -1;
}

function skipBlanks(bytes: Uint8Array, end: number, i: number): number {
  let p = i;
  while (p < end && (bytes[p] === SPACE || bytes[p] === TAB)) {
    p++;
  }
  return p;
}

function tokenEnd(bytes: Uint8Array, end: number, i: number): number {
  let p = i;
  while (p < end && bytes[p] !== SPACE && bytes[p] !== TAB) {
    p++;
  }
  return p;
}

/**
 * True when the line in `bytes[start, end)` surely has a readable envelope: `<PRI>` (optional), BSD stamp, and two
 * more tokens (the host, or a `facility.severity` token and the host). False when it has not, or has another shape.
 */
export function envelopeSurelyReadable(bytes: Uint8Array, start: number, lineEnd: number): boolean {
  // The line reader drops one trailing CR, and refuses lines over MAX_LINE_LENGTH characters (bytes ≥ characters).
  const end = lineEnd > start && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
  if (end - start > MAX_LINE_LENGTH) {
    return false;
  }
  const afterPri = priEnd(bytes, start, end);
  if (afterPri < 0) {
    return false;
  }
  const stampEnd = bsdStampEnd(bytes, end, skipBlanks(bytes, end, afterPri));
  if (stampEnd < 0) {
    return false;
  }
  const first = skipBlanks(bytes, end, stampEnd);
  const firstEnd = tokenEnd(bytes, end, first);
  return firstEnd > first && tokenEnd(bytes, end, skipBlanks(bytes, end, firstEnd)) > skipBlanks(bytes, end, firstEnd);
}
