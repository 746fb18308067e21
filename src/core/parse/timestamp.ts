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

const BSD = /([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?= |$)/y;
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

function validClock(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60;
}

/** A BSD stamp at `pos`; the year is not in the line, so the caller supplies it. */
export function readBsdStamp(line: string, pos: number): BsdStamp | undefined {
  BSD.lastIndex = pos;
  const m = BSD.exec(line);
  if (!m) {
    return undefined;
  }
  const month = MONTHS[m[1] as string];
  if (month === undefined) {
    return undefined;
  }
  const day = Number(m[2]);
  const hour = Number(m[3]);
  const minute = Number(m[4]);
  const second = Number(m[5]);
  if (!validClock(month, day, hour, minute, second)) {
    return undefined;
  }
  return { month, day, hour, minute, second, ms: fractionToMs(m[6]), end: BSD.lastIndex };
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
