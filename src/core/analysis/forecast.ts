/**
 * @module core/analysis/forecast
 * When will a Web Bridge refuse joins, and how often should it be restarted to never get there?
 * A Web Bridge refuses joins when leaked + real ≥ limit. With leaked growing at `ratePerDay` and a normal day
 * bringing `typicalPeakReal` real sessions, the limit is hit at the first daily peak where
 * leakedNow + rate·t + typicalPeakReal ≥ limit.
 */
import type { LimitForecast, Recommendation } from '../model.js';

const DAY_MS = 86_400_000;
/** Restart after this share of the time a fresh Web Bridge takes to reach the limit. */
export const CADENCE_SAFETY = 0.8;
/** Below this leak rate (sessions/day) a Web Bridge is not considered leaking. */
export const MIN_LEAK_RATE = 0.1;

export function forecastLimit(
  now: number,
  leakedNow: number,
  ratePerDay: number | null,
  typicalPeakReal: number,
  limit: number,
  basis: string,
): LimitForecast {
  if (ratePerDay === null || ratePerDay < MIN_LEAK_RATE) {
    const headroom = leakedNow + typicalPeakReal >= limit;
    return {
      at: headroom ? new Date(now).toISOString() : null,
      inHours: headroom ? 0 : null,
      typicalPeakReal,
      basis: ratePerDay === null ? `leak rate unknown; ${basis}` : `not leaking (${round1(ratePerDay)}/day); ${basis}`,
    };
  }
  const days = Math.max(0, (limit - typicalPeakReal - leakedNow) / ratePerDay);
  const at = now + days * DAY_MS;
  return { at: new Date(at).toISOString(), inHours: round1(days * 24), typicalPeakReal, basis };
}

/** Days between restarts that keep a freshly restarted Web Bridge under the limit, with a safety margin. */
export function restartCadenceDays(ratePerDay: number | null, typicalPeakReal: number, limit: number): number | null {
  if (ratePerDay === null || ratePerDay < MIN_LEAK_RATE) {
    return null;
  }
  const daysToLimit = Math.max(0, limit - typicalPeakReal) / ratePerDay;
  return Math.max(1, Math.floor(daysToLimit * CADENCE_SAFETY));
}

function humanDays(days: number): string {
  if (days >= 14) {
    const weeks = Math.floor(days / 7);
    return `${weeks} weeks`;
  }
  return days === 1 ? 'every day' : `${days} days`;
}

export function recommend(
  name: string,
  ratePerDay: number | null,
  typicalPeakReal: number,
  limit: number,
): Recommendation {
  const cadence = restartCadenceDays(ratePerDay, typicalPeakReal, limit);
  if (cadence === null) {
    const text =
      ratePerDay === null
        ? `${name}: not enough history to tell its leak rate`
        : `${name}: not leaking, no restart needed`;
    return { name, restartEveryDays: null, text };
  }
  const rate = round1(ratePerDay as number);
  const text =
    cadence === 1
      ? `restart ${name} every day (leaks ${rate}/day)`
      : cadence >= 14
        ? `${name} can go ${humanDays(cadence)} between restarts (leaks ${rate}/day)`
        : `restart ${name} every ${humanDays(cadence)} (leaks ${rate}/day)`;
  return { name, restartEveryDays: cadence, text };
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
