/**
 * @module core/parse/timestamp
 * Reads the syslog stamps CMS and common collectors write: BSD (`Jun  8 14:53:18.149`, no year) and ISO-8601
 * (`2024-03-05T16:50:25.736`, `2026-11-24T14:20:01.123456+01:00`, with or without zone). Returns the epoch ms and
 * where the stamp ends, or undefined. Linear sticky regexes only: no backtracking blow-up on hostile lines.
 */
import { wallClockToEpoch } from './zoned-time.js';

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

/** What readBsdStamp accepts, as a sticky regex: the reference its hand-written reader is tested against. */
export const BSD_STAMP_PATTERN = /([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?= |$)/y;
/** Month numbers keyed by the three character codes packed in one number: no substring made per stamp. */
const MONTH_BY_CODES = new Map(
  Object.entries(MONTHS).map(([name, n]) => [
    name.charCodeAt(0) * 65_536 + name.charCodeAt(1) * 256 + name.charCodeAt(2),
    n,
  ]),
);

/** The month of three character codes (`J`, `a`, `n` → 1), or undefined. */
export function monthOfCodes(a: number, b: number, c: number): number | undefined {
  return a < 128 && b < 128 && c < 128 ? MONTH_BY_CODES.get(a * 65_536 + b * 256 + c) : undefined;
}

function monthAt(line: string, pos: number): number | undefined {
  const a = line.charCodeAt(pos);
  const b = line.charCodeAt(pos + 1);
  const c = line.charCodeAt(pos + 2);
  // Letters only (and never past the end, where charCodeAt gives NaN): no other codes can collide.
  return a < 128 && b < 128 && c < 128 ? MONTH_BY_CODES.get(a * 65_536 + b * 256 + c) : undefined;
}
const SPACE = 32;
const COLON = 58;
const DOT = 46;

/** The digit at `i`, or -1. */
function digitAt(line: string, i: number): number {
  const c = line.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two digits at `i` as a number, or -1. */
function twoDigits(line: string, i: number): number {
  const a = digitAt(line, i);
  const b = digitAt(line, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}
const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?(?= |$)/y;

export interface BsdStamp {
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly ms: number;
  readonly end: number;
}

function fractionToMs(fraction: string | undefined): number {
  if (!fraction) {
    return 0;
  }
  return Number(`${fraction}000`.slice(0, 3));
}

export function validClock(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60;
}

/**
 * A BSD stamp at `pos`; the year is not in the line, so the caller supplies it. Read character by character: it is
 * on the path of every candidate line, and the equivalent sticky regex (`BSD_STAMP_PATTERN`, which the tests hold it
 * to) with its match array and string captures was the costliest step of parsing a Stats line.
 */
export function readBsdStamp(line: string, pos: number): BsdStamp | undefined {
  const month = monthAt(line, pos);
  if (month === undefined) {
    return undefined;
  }
  let p = pos + 3;
  // One or two spaces, then a one- or two-digit day followed by a space.
  if (line.charCodeAt(p) !== SPACE) {
    return undefined;
  }
  p += line.charCodeAt(p + 1) === SPACE ? 2 : 1;
  let day = digitAt(line, p);
  if (day < 0) {
    return undefined;
  }
  p++;
  const second = digitAt(line, p);
  if (second >= 0) {
    day = day * 10 + second;
    p++;
  }
  if (line.charCodeAt(p) !== SPACE) {
    return undefined;
  }
  const hour = twoDigits(line, p + 1);
  const minute = line.charCodeAt(p + 3) === COLON ? twoDigits(line, p + 4) : -1;
  const sec = line.charCodeAt(p + 6) === COLON ? twoDigits(line, p + 7) : -1;
  if (hour < 0 || minute < 0 || sec < 0) {
    return undefined;
  }
  p += 9;
  let ms = 0;
  if (line.charCodeAt(p) === DOT) {
    // One to six digits; the first three are milliseconds.
    let digits = 0;
    for (let d = digitAt(line, p + 1); d >= 0; d = digitAt(line, p + 1 + digits)) {
      if (digits < 3) {
        ms = ms * 10 + d;
      }
      digits++;
    }
    if (digits === 0 || digits > 6) {
      return undefined;
    }
    ms *= digits >= 3 ? 1 : digits === 2 ? 10 : 100;
    p += 1 + digits;
  }
  // The stamp must end the line or be followed by a space.
  if (p < line.length && line.charCodeAt(p) !== SPACE) {
    return undefined;
  }
  if (!validClock(month, day, hour, minute, sec)) {
    return undefined;
  }
  return { month, day, hour, minute, second: sec, ms, end: p };
}

/** An ISO-8601 stamp at `pos`; zone-less stamps are read in `timeZone`. */
export function readIsoStamp(line: string, pos: number, timeZone: string): { at: number; end: number } | undefined {
  ISO.lastIndex = pos;
  const m = ISO.exec(line);
  if (!m) {
    return undefined;
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (!validClock(month, day, hour, minute, second)) {
    return undefined;
  }
  const ms = fractionToMs(m[7]);
  const zone = m[8];
  let at: number;
  if (zone === undefined) {
    at = wallClockToEpoch(timeZone, year, month, day, hour, minute, second, ms);
  } else {
    at = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    if (zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      at -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
    }
  }
  return Number.isFinite(at) ? { at, end: ISO.lastIndex } : undefined;
}
