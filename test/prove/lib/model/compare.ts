/**
 * @module test/prove/lib/model/compare
 * What the guard is for, measured: the same simulated clusters and days under three strategies — wbguard's policy
 * (the daemon's ClusterGuard with the scenario's configuration), Cisco's weekly blind restart (Saturday 02:00 in
 * the cluster's zone, every Web Bridge, no guard: tech note 215662's script on a timer) and no action — with no
 * faults, so that only the strategy differs. For each: minutes a Web Bridge spent at the limit (guests locked out),
 * real sessions dropped by restarts, restarts made.
 */
import { DAEMON_ONLY, type ModelStats, runModel } from './run-model.js';

export type Strategy = 'wbguard' | 'cisco' | 'none';

export interface StrategyFigures {
  readonly lockoutMinutes: number;
  readonly restarts: number;
  readonly droppedReal: number;
  /** Real sessions dropped at restarts whose Web Bridge had more than `maxActiveSessions` of them. */
  readonly droppedBeyondAllowance: number;
}

export interface ComparisonRow {
  readonly seed: number;
  /** Guests all night as by day. */
  readonly neverIdle: boolean;
  readonly byStrategy: Record<Strategy, StrategyFigures>;
}

function figures(s: ModelStats, strategy: Strategy): StrategyFigures {
  return {
    lockoutMinutes: s.lockoutMinutes,
    restarts: s.restartsReached,
    droppedReal: s.droppedRealSessions,
    // Cisco's script restarts whatever is on the Web Bridge: every session it drops is beyond any allowance.
    droppedBeyondAllowance: strategy === 'cisco' ? s.droppedRealSessions : s.droppedAfterEvidence,
  };
}

/**
 * One row per seed: the three strategies on that seed's cluster for `days`; with `neverIdle`, the same clusters
 * with guests all night as by day.
 */
export async function compareStrategies(
  firstSeed: number,
  seeds: number,
  days: number,
  neverIdle = false,
): Promise<ComparisonRow[]> {
  const rows: ComparisonRow[] = [];
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const by = {} as Record<Strategy, StrategyFigures>;
    for (const strategy of ['none', 'cisco', 'wbguard'] as const) {
      const s = await runModel(seed, 1, days, {
        wiring: 'proposed',
        doors: DAEMON_ONLY,
        strategy,
        calm: true,
        neverIdle,
      });
      by[strategy] = figures(s, strategy);
    }
    rows.push({ seed, neverIdle, byStrategy: by });
  }
  return rows;
}

/** The verdict for one row, as the table states it. */
export function verdictOf(r: ComparisonRow): string {
  const w = r.byStrategy.wbguard;
  const c = r.byStrategy.cisco;
  if (w.droppedBeyondAllowance > 0) {
    return `goal NOT met: ${w.droppedBeyondAllowance} session(s) dropped beyond the allowance`;
  }
  if (w.lockoutMinutes < c.lockoutMinutes) {
    return 'goal met: less lockout, no session dropped beyond the allowance';
  }
  if (w.lockoutMinutes === 0 && c.lockoutMinutes === 0) {
    return `no lockout either way; Cisco dropped ${c.droppedReal} session(s), wbguard ${w.droppedReal} within the allowance`;
  }
  if (r.neverIdle) {
    return `goal NOT met: never idle, the idle guard lets only ${w.restarts} restart(s) through (Cisco: ${c.restarts}, dropping ${c.droppedReal})`;
  }
  return `goal NOT met: more lockout (restarts: wbguard ${w.restarts}, Cisco ${c.restarts})`;
}

/** The Markdown table docs/reliability.md publishes. */
export function comparisonTable(rows: readonly ComparisonRow[], describe: (r: ComparisonRow) => string): string {
  const lines = [
    '| scenario | no action: lockout min | Cisco weekly: lockout min / dropped / restarts | wbguard: lockout min / dropped (beyond allowance) / restarts | verdict |',
    '|---|---|---|---|---|',
  ];
  const total = { n: 0, c: 0, cd: 0, cr: 0, w: 0, wd: 0, wb: 0, wr: 0 };
  for (const r of rows) {
    const { none: n, cisco: c, wbguard: w } = r.byStrategy;
    lines.push(
      `| ${describe(r)} | ${n.lockoutMinutes.toLocaleString('en')} | ${c.lockoutMinutes.toLocaleString('en')} / ${c.droppedReal} / ${c.restarts} | ${w.lockoutMinutes.toLocaleString('en')} / ${w.droppedReal} (${w.droppedBeyondAllowance}) / ${w.restarts} | ${verdictOf(r)} |`,
    );
    total.n += n.lockoutMinutes;
    total.c += c.lockoutMinutes;
    total.cd += c.droppedReal;
    total.cr += c.restarts;
    total.w += w.lockoutMinutes;
    total.wd += w.droppedReal;
    total.wb += w.droppedBeyondAllowance;
    total.wr += w.restarts;
  }
  lines.push(
    `| **all** | ${total.n.toLocaleString('en')} | ${total.c.toLocaleString('en')} / ${total.cd} / ${total.cr} | ${total.w.toLocaleString('en')} / ${total.wd} (${total.wb}) / ${total.wr} | |`,
  );
  return `${lines.join('\n')}\n`;
}
