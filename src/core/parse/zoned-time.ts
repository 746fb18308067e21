/**
 * @module core/parse/zoned-time
 * Turns wall-clock fields of a zone-less stamp into epoch ms for an IANA time zone. Offsets come from
 * Intl.DateTimeFormat and are cached per zone and hour, so a log of millions of lines costs a few lookups.
 */

import { dateTimeFormat } from '../intl-cache.js';

const offsetCache = new Map<string, Map<number, number>>();
/**
 * Per zone, per hour of wall-clock time (the fields read as if UTC, in hours): the offset wallClockToEpoch subtracts
 * for every stamp of that hour, kept only for hours it provably holds for (see there).
 */
const wallHourCache = new Map<string, Map<number, number>>();
const HOUR_MS = 3_600_000;
/** Hours kept per zone, at most, in each cache (~30 years of hours): past it, that zone's cache starts again. */
const CACHED_HOURS = 100_000;

/** The hours `cache` keeps for `timeZone`, made at its first use. */
function hoursOf(cache: Map<string, Map<number, number>>, timeZone: string): Map<number, number> {
  let hours = cache.get(timeZone);
  if (!hours) {
    hours = new Map();
    cache.set(timeZone, hours);
  }
  return hours;
}

/** Keeps `value` for `hour` in a zone's `hours` (starting them again past CACHED_HOURS). */
function keepHour(hours: Map<number, number>, hour: number, value: number): void {
  if (hours.size > CACHED_HOURS) {
    hours.clear();
  }
  hours.set(hour, value);
}

/** True when `timeZone` is a zone Intl knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone === 'UTC') {
    // The default of every --tz: asking Intl costs its whole set-up (about 15 ms of start-up).
    return true;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const PARTS: Intl.DateTimeFormatOptions = {
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
};

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  return dateTimeFormat(timeZone, PARTS);
}

/** Offset of `timeZone` from UTC (ms, east positive) at the instant `utcMs`. */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') {
    return 0;
  }
  const perZone = hoursOf(offsetCache, timeZone);
  const hour = Math.floor(utcMs / HOUR_MS);
  const cached = perZone.get(hour);
  if (cached !== undefined) {
    return cached;
  }
  const parts = formatterFor(timeZone).formatToParts(new Date(hour * HOUR_MS));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = asUtc - hour * HOUR_MS;
  keepHour(perZone, hour, offset);
  return offset;
}

/** The largest time value a Date holds (ECMAScript TimeClip). */
const MAX_TIME = 8.64e15;
let lastYear = Number.NaN;
let lastMonth = Number.NaN;
let lastDay = Number.NaN;
let lastDayStart = Number.NaN;

/**
 * `Date.UTC(year, month − 1, day)`, kept from the previous call: the lines of a log share their day, and Date.UTC
 * cost ~0.1 µs a line (half a second of a scan worker's 5.5 s on 0.4 GB of Stats lines).
 */
function utcDayStart(year: number, month: number, day: number): number {
  if (year !== lastYear || month !== lastMonth || day !== lastDay) {
    lastDayStart = Date.UTC(year, month - 1, day);
    lastYear = year;
    lastMonth = month;
    lastDay = day;
  }
  return lastDayStart;
}

/**
 * Epoch ms of a wall-clock time in `timeZone`, or at `offsetMinutes` east of UTC when the stamp said its offset (ISO
 * 8601 `Z`, `+02:00`). In the DST gap the time is shifted forward; in the repeated hour the first (summer-time)
 * instant is taken, as most syslog readers do.
 */
export function wallClockToEpoch(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes?: number,
): number {
  // Date.UTC's answer, from the day's start when the time of day is a stamp's (each field truncated and any overflow
  // carried, as Date.UTC does); other fields (negative, huge, NaN) and results out of a Date's range: Date.UTC itself,
  // whose rounding differs there.
  const timeOfDay =
    hour >= 0 && hour < 1e6 && minute >= 0 && minute < 1e6 && second >= 0 && second < 1e6 && ms >= 0 && ms < 1e9
      ? ((Math.trunc(hour) * 60 + Math.trunc(minute)) * 60 + Math.trunc(second)) * 1000 + Math.trunc(ms)
      : Number.NaN;
  const fast = utcDayStart(year, month, day) + timeOfDay;
  const guess = Math.abs(fast) <= MAX_TIME ? fast : Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (offsetMinutes !== undefined) {
    return guess - offsetMinutes * 60_000;
  }
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') {
    return guess;
  }
  if (!Number.isFinite(guess)) {
    return zonedFromWallClock(timeZone, guess);
  }
  // Every stamp of one wall-clock hour gets the same offset, away from DST changes: found once, then looked up
  // (the general way below costs ~0.5 µs a stamp: 4.4 s of 50 files of Stats lines only read with a zone).
  const wallHour = Math.floor(guess / HOUR_MS);
  const perZone = hoursOf(wallHourCache, timeZone);
  const known = perZone.get(wallHour);
  if (known !== undefined) {
    return guess - known;
  }
  const result = zonedFromWallClock(timeZone, guess);
  const offset = guess - result;
  // Kept for the hour only when the general way gives every stamp of it this offset: for any stamp of the hour it
  // reads the offsets 12 hours either side (each in one hour of UTC, the same for the whole wall-clock hour: equal
  // here), then asks whether the offset at stamp − offset is the offset; stamp − offset, over the hour, falls in at
  // most two hours of UTC, whose offsets are asked here. Near a DST change some of these differ: not kept.
  const start = wallHour * HOUR_MS;
  if (
    zoneOffsetMs(timeZone, start - 12 * HOUR_MS) === offset &&
    zoneOffsetMs(timeZone, start + 12 * HOUR_MS) === offset &&
    zoneOffsetMs(timeZone, start - offset) === offset &&
    zoneOffsetMs(timeZone, start + HOUR_MS - 1 - offset) === offset
  ) {
    keepHour(perZone, wallHour, offset);
  }
  return result;
}

/**
 * wallClockToEpoch's answer for the wall-clock time `guess` (its fields read as if UTC) in `timeZone`, worked out
 * every time (exported for the tests, which hold wallClockToEpoch's per-hour cache to it).
 */
export function zonedFromWallClock(timeZone: string, guess: number): number {
  // The offsets in force half a day either side cover both sides of any DST change.
  const before = zoneOffsetMs(timeZone, guess - 12 * HOUR_MS);
  const after = zoneOffsetMs(timeZone, guess + 12 * HOUR_MS);
  const candidates = [guess - before, guess - after].filter((c) => zoneOffsetMs(timeZone, c) === guess - c);
  if (candidates.length > 0) {
    return Math.min(...candidates);
  }
  // In the gap of a spring change: the wall time does not exist; read it with the offset before the change.
  return guess - before;
}
