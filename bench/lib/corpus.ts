/**
 * @module bench/lib/corpus
 * A deterministic CMS cluster day-by-day, written as syslog text: Web Bridges that leak at known rates under a
 * working-day load, Call Bridges reporting CMA every 5 minutes, MMP restarts, and ordinary chatter between.
 */
import {
  auditLine,
  callBridgeStatsLine,
  chatterLine,
  joinRefusedLine,
  webBridgeStatsLine,
} from '../../src/sim/syslog/templates.js';

export const DAY_MS = 86_400_000;

export type LineKind = 'webbridge-stats' | 'callbridge-stats' | 'audit' | 'join-refused' | 'chatter';

export interface CorpusOptions {
  readonly start: number;
  readonly days: number;
  /** Leaked sessions per day, one per Web Bridge (node `cms1`…). */
  readonly leakPerDay: readonly number[];
  readonly peakReal: number;
  /** Restarts: node index and ms after start. */
  readonly restarts: ReadonlyArray<{ node: number; atMs: number }>;
  /** Ordinary lines per Web Bridge Stats line. */
  readonly chatterPerStats: number;
  readonly statsEveryMs: number;
  readonly quietEndHours: number;
  readonly limit?: number;
}

function loadShare(t: number): number {
  const day = new Date(t).getUTCDay();
  const hour = (t % DAY_MS) / 3_600_000;
  const weekday = day >= 1 && day <= 5 ? 1 : 0.15;
  return hour < 7 || hour >= 19 ? 0 : weekday * Math.sin(((hour - 7) / 12) * Math.PI);
}

/** Calls `emit(nodeIndex, line, kind)` for every line, in time order; returns the leaked sessions at the end. */
export function writeCorpus(
  o: CorpusOptions,
  emit: (node: number, line: string, kind: LineKind, at: number) => void,
): number[] {
  const n = o.leakPerDay.length;
  const limit = o.limit ?? 149;
  const end = o.start + o.days * DAY_MS;
  const quietFrom = end - o.quietEndHours * 3_600_000;
  const segStart = new Array<number>(n).fill(o.start);
  const c = new Array<number>(n).fill(0);
  const d = new Array<number>(n).fill(0);
  const real = new Array<number>(n).fill(0);
  const leaked = new Array<number>(n).fill(0);
  const restarts = [...o.restarts].sort((a, b) => a.atMs - b.atMs);
  let chat = 0;
  for (let t = o.start; t < end; t += o.statsEveryMs) {
    while (restarts.length > 0 && o.start + (restarts[0]?.atMs ?? 0) <= t) {
      const r = restarts.shift() as { node: number; atMs: number };
      emit(r.node, auditLine(t, `cms${r.node + 1}`, 'admin', 'webbridge restart'), 'audit', t);
      segStart[r.node] = t;
      c[r.node] = 0;
      d[r.node] = 0;
    }
    const share = t >= quietFrom ? 0 : loadShare(t);
    for (let i = 0; i < n; i++) {
      const host = `cms${i + 1}`;
      const target = Math.round(o.peakReal * share * (0.85 + 0.1 * i));
      leaked[i] = Math.max(0, Math.floor(((o.leakPerDay[i] as number) * (t - (segStart[i] as number))) / DAY_MS));
      const room = limit - (leaked[i] as number);
      const admitted = Math.max(0, Math.min(target, room));
      if (target > admitted && (t / o.statsEveryMs) % 30 === 0) {
        emit(i, joinRefusedLine(t + 3, host, limit), 'join-refused', t + 3);
      }
      const delta = admitted - (real[i] as number);
      // A little churn (one guest in, one out) while anyone is around; none in the quiet hours, as at night.
      const churn = share > 0 ? 1 : 0;
      c[i] = (c[i] as number) + Math.max(0, delta) + churn;
      d[i] = (d[i] as number) + Math.max(0, -delta) + churn;
      real[i] = admitted;
      emit(
        i,
        webBridgeStatsLine(t + i, host, admitted + (leaked[i] as number), c[i] as number, d[i] as number),
        'webbridge-stats',
        t + i,
      );
      for (let k = 0; k < o.chatterPerStats; k++) {
        emit(i, chatterLine(t + 10 + k, host, chat++), 'chatter', t + 10 + k);
      }
    }
    if ((t - o.start) % 300_000 === 0) {
      const total = real.reduce((a, b) => a + b, 0);
      let left = total;
      for (let i = 0; i < n; i++) {
        const cma = i === n - 1 ? left : Math.floor(total / n);
        left -= cma;
        emit(i, callBridgeStatsLine(t + 50 + i, `cms${i + 1}`, cma, cma, cma + 2), 'callbridge-stats', t + 50 + i);
      }
    }
  }
  return leaked;
}
