/**
 * @module core/policy/window
 * Maintenance windows (weekly, in a time zone) and blackout dates: when the daemon may restart. Pure: the instant
 * comes in as an argument. A window whose `to` is before its `from` runs over midnight into the next day.
 */

export interface MaintenanceWindow {
  readonly days: readonly ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  /** HH:MM */
  readonly from: string;
  /** HH:MM */
  readonly to: string;
  readonly tz: string;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * One formatter per zone: building an Intl.DateTimeFormat costs about 100 times more than using one, and the
 * daemon asks on every evaluation and every API read (the randomized model in test/prove spent half its time here).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

function localParts(now: number, tz: string): { day: (typeof DAYS)[number]; minutes: number; date: string } {
  const parts = formatterFor(tz).formatToParts(new Date(now));
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
