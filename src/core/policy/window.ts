/**
 * @module core/policy/window
 * Maintenance windows (weekly, in a time zone) and blackout dates: when the daemon may restart. Pure: the instant
 * comes in as an argument. A window whose `to` is before its `from` runs over midnight into the next day.
 */
import { dateTimeFormat } from '../intl-cache.js';

export interface MaintenanceWindow {
  readonly days: readonly ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  /** HH:MM */
  readonly from: string;
  /** HH:MM */
  readonly to: string;
  readonly tz: string;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const PARTS: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
};

function localParts(now: number, tz: string): { day: (typeof DAYS)[number]; minutes: number; date: string } {
  const parts = dateTimeFormat(tz, PARTS).formatToParts(new Date(now));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number];
  return {
    day,
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
    date: `${get('year')}-${get('month')}-${get('day')}`,
  };
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** True when `now` is inside one of the windows. No window configured means always open. */
export function insideWindow(now: number, windows: readonly MaintenanceWindow[]): boolean {
  if (windows.length === 0) {
    return true;
  }
  return windows.some((w) => {
    const { day, minutes } = localParts(now, w.tz);
    const from = toMinutes(w.from);
    const to = toMinutes(w.to);
    if (from <= to) {
      return w.days.includes(day) && minutes >= from && minutes < to;
    }
    // Over midnight: the evening part belongs to a listed day, the morning part to the day after one.
    const yesterday = DAYS[(DAYS.indexOf(day) + 6) % 7] as (typeof DAYS)[number];
    return (w.days.includes(day) && minutes >= from) || (w.days.includes(yesterday) && minutes < to);
  });
}

/** True when `now` falls on a blackout date (YYYY-MM-DD, in the first window's zone, else UTC). */
export function inBlackout(now: number, blackouts: readonly string[], tz = 'UTC'): boolean {
  return blackouts.length > 0 && blackouts.includes(localParts(now, tz).date);
}

/**
 * The next instant (epoch ms, on a whole minute) at which a restart would be allowed: inside a window and not on a
 * blackout date. `now` itself when allowed now; null when nothing opens within `horizonDays`.
 */
export function nextAllowedAt(
  now: number,
  windows: readonly MaintenanceWindow[],
  blackouts: readonly string[],
  tz = 'UTC',
  horizonDays = 8,
): number | null {
  const allowed = (t: number) => insideWindow(t, windows) && !inBlackout(t, blackouts, tz);
  if (allowed(now)) {
    return now;
  }
  // Windows and zones change on whole minutes (offsets are whole minutes), so minute steps find the opening.
  const start = Math.ceil(now / 60_000) * 60_000;
  for (let t = start; t <= now + horizonDays * 86_400_000; t += 60_000) {
    if (allowed(t)) {
      return t;
    }
  }
  return null;
}
