/**
 * A seeded synthetic CMS cluster for analysis tests, built as records (no text), where the right answer is known:
 * each Web Bridge leaks at a known rate, real load follows a working-day curve, CMA spreads over the Call Bridges,
 * and the last hours are quiet so that all that is left on each Web Bridge is leaked.
 */
import type { CmsRecord } from '../../../src/core/model.js';
import { seededRandom } from '../../../src/sim/random.js';

export const DAY = 86_400_000;
export const START = Date.UTC(2026, 10, 16, 0, 0, 0); // a Monday

export interface SyntheticOptions {
  days: number;
  /** Leaked sessions per day per Web Bridge. */
  leakPerDay: number[];
  /** Peak real sessions per Web Bridge on a working day. */
  peakReal: number;
  /** Restart these Web Bridges (index) at these times (ms since START). */
  restarts: Array<{ wb: number; at: number }>;
  /** Hours of zero load at the end. */
  quietEndHours: number;
  seed: number;
  statsEveryMs?: number;
}

export interface SyntheticResult {
  records: CmsRecord[];
  /** Leaked sessions per Web Bridge at the end. */
  leakedAtEnd: number[];
  end: number;
}

/** Working-day curve: 0 at night, rising from 07:00 to a noon peak, 0 after 19:00, a tenth of it at weekends. */
function loadShare(t: number): number {
  const day = new Date(t).getUTCDay();
  const hour = (t % DAY) / 3_600_000;
  const weekday = day >= 1 && day <= 5 ? 1 : 0.1;
  if (hour < 7 || hour >= 19) {
    return 0;
  }
  return weekday * Math.sin(((hour - 7) / 12) * Math.PI);
}

export function syntheticCluster(o: SyntheticOptions): SyntheticResult {
  const rand = seededRandom(o.seed);
  const n = o.leakPerDay.length;
  const every = o.statsEveryMs ?? 10_000;
  const end = START + o.days * DAY;
  const quietFrom = end - o.quietEndHours * 3_600_000;
  const segStart = new Array<number>(n).fill(START);
  const connects = new Array<number>(n).fill(0);
  const disconnects = new Array<number>(n).fill(0);
  const leakedAtEnd = new Array<number>(n).fill(0);
  const pendingRestarts = [...o.restarts].sort((a, b) => a.at - b.at);
  const records: CmsRecord[] = [];
  const real = new Array<number>(n).fill(0);
  for (let t = START; t < end; t += every) {
    while (pendingRestarts.length > 0 && START + (pendingRestarts[0]?.at ?? 0) <= t) {
      const r = pendingRestarts.shift() as { wb: number; at: number };
      segStart[r.wb] = t;
      connects[r.wb] = 0;
      disconnects[r.wb] = 0;
      records.push({ kind: 'mmp-restart', at: t, host: `cms${r.wb + 1}`, command: 'webbridge restart', user: 'admin' });
    }
    const share = t >= quietFrom ? 0 : loadShare(t);
    for (let i = 0; i < n; i++) {
      const target = Math.round(o.peakReal * share + (share > 0 ? rand() * 3 : 0));
      const leaked = Math.floor(((o.leakPerDay[i] as number) * (t - (segStart[i] as number))) / DAY);
      const diff = target - (real[i] as number);
      // A little churn (one guest in, one out) while anyone is around; none in the quiet hours.
      const churn = share > 0 ? 1 : 0;
      connects[i] = (connects[i] as number) + Math.max(0, diff) + churn;
      disconnects[i] = (disconnects[i] as number) + Math.max(0, -diff) + churn;
      real[i] = target;
      const active = Math.min(149, (real[i] as number) + leaked);
      leakedAtEnd[i] = leaked;
      records.push({
        kind: 'webbridge-stats',
        at: t + i,
        host: `cms${i + 1}`,
        active,
        connects: connects[i] as number,
        disconnects: disconnects[i] as number,
      });
    }
    if ((t - START) % 300_000 === 0) {
      // Real calls land on any Call Bridge: spread Σ real over the Call Bridges.
      const total = real.reduce((a, b) => a + b, 0);
      const shares = [Math.floor(total / 3), Math.floor(total / 3)];
      shares.push(total - (shares[0] as number) - (shares[1] as number));
      shares.forEach((cma, j) => {
        records.push({
          kind: 'callbridge-stats',
          at: t + 5 + j,
          host: `cms${j + 1}`,
          cma,
          cmaPeak: cma,
          raw: { CMA: `${cma}/${cma}` },
        });
      });
    }
  }
  return { records, leakedAtEnd, end: end - every + 10 };
}
