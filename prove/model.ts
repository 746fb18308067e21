/**
 * @module prove/model
 * The long run of the randomized policy model: `npm run prove -- --only model [--seeds N] [--days D] [--wiring
 * daemon|proposed] [--doors every|daemon] [--compare-seeds N] [--compare-days D]`. Prints the figures
 * docs/reliability.md quotes, every violation with its seed, instant and door, and the table of what the guard is
 * for (wbguard's policy, Cisco's weekly blind restart, no action).
 */
import { drawScenario } from '../test/prove/lib/model/scenario.js';
import { type ComparisonRow, compareStrategies, comparisonTable } from '../test/prove/lib/model/compare.js';
import { CLI_SEES_STILL_RESTARTING } from '../test/prove/lib/model/doors.js';
import {
  ASSERT_LEAK_BOUND,
  DAEMON_ONLY,
  EVERY_DOOR,
  type ModelStats,
  runModel,
  START,
} from '../test/prove/lib/model/run-model.js';
import { seededRandom } from '../src/sim/random.js';

export interface ModelArgs {
  readonly seeds: number;
  readonly days: number;
  readonly wiring: 'daemon' | 'proposed';
  readonly doors: 'every' | 'daemon';
  readonly compareSeeds: number;
  readonly compareDays: number;
}

const CLI_DOORS = new Set(['cli', 'cli-force', 'timer']);

function printStats(stats: ModelStats, args: ModelArgs, seconds: number): void {
  console.log(
    `model (${args.wiring} wiring, ${args.doors === 'every' ? 'every door' : 'daemon only'}): ${stats.seeds} scenarios × ${args.days} days = ${stats.days} simulated days in ${seconds.toFixed(0)} s`,
  );
  console.log(`  evaluations ${stats.evaluations}, decisions checked ${stats.decisionsChecked}, restart decisions checked ${stats.restartDecisionsChecked}`);
  console.log(`  requests by door ${JSON.stringify(stats.requestsByDoor)}`);
  console.log(`  restart commands ${stats.commandsSent}, reached a Web Bridge ${stats.restartsReached} ${JSON.stringify(stats.reachedByDoor)}, results ${JSON.stringify(stats.results)}`);
  console.log(`  faults: crashes ${stats.crashes} (${stats.crashesDuringRestart} during a restart), clock steps ${stats.clockSteps}, syslog outages ${stats.outages}`);
  console.log(`  real sessions dropped by restarts ${stats.droppedRealSessions}: ${stats.droppedWithinAllowance} at restarts within restart.maxActiveSessions, ${stats.droppedByForce} by --force, ${stats.droppedAfterEvidence} by ${stats.restartsWithRealJoinedAfterEvidence} restart(s) where a guest joined after the newest evidence`);
  console.log(`  restarts outside a window: CLI and timer (allowed) ${JSON.stringify(stats.outsideWindowByDoor)}; on the true clock (host clock stepped) ${stats.restartsOutsideWindowTrueClock}; joins refused at the limit ${stats.refusedJoins}`);
  console.log(`  leak bound (leakedMin) against the truth: ${stats.leakBoundOverClaims} of ${stats.leakBoundChecks} readings over-claimed (largest by ${stats.leakBoundMaxOverClaim}); asserted: ${ASSERT_LEAK_BOUND}`);
  console.log(`  restarts still open at the end (crash; closed by the next run) ${stats.openAtEnd}`);
  console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  console.log(`  violations: ${stats.violations.length} ${JSON.stringify(stats.violationsByDoor)}`);
  for (const v of stats.violations) {
    console.log(`    ${v}`);
  }
}

function describe(r: ComparisonRow): string {
  const s = drawScenario(r.seed, START, seededRandom(r.seed));
  const p = s.config.policy;
  const w = p?.windows.map((x) => `${x.days.join(',')} ${x.from}–${x.to}`).join('; ') ?? 'none';
  return `${r.seed}${r.neverIdle ? ' never idle' : ''}: ${s.world.nodes} WB, leak ${(s.world.leakP * 100).toFixed(0)} %, ${p?.tz ?? 'UTC'} ${w}, maxPerDay ${s.config.restart.maxPerDay}`;
}

export async function proveModel(args: ModelArgs): Promise<boolean> {
  const started = performance.now();
  const stats = await runModel(1000, args.seeds, args.days, {
    wiring: args.wiring,
    doors: args.doors === 'every' ? EVERY_DOOR : DAEMON_ONLY,
  });
  printStats(stats, args, (performance.now() - started) / 1000);
  // Until the CLI and timer doors see a Web Bridge still restarting, their "two at once" is issue 16's known defect.
  const known = (v: string) =>
    !CLI_SEES_STILL_RESTARTING && v.includes('two at once') && CLI_DOORS.has(/\[([a-z-]+)\]/.exec(v)?.[1] ?? '');
  const unexpected = stats.violations.filter((v) => !known(v));
  let ok = unexpected.length === 0;
  if (args.compareSeeds > 0) {
    const t = performance.now();
    const rows = [
      ...(await compareStrategies(2000, args.compareSeeds, args.compareDays)),
      ...(await compareStrategies(2000, Math.max(1, Math.ceil(args.compareSeeds / 4)), args.compareDays, true)),
    ];
    console.log(
      `\nwhat the guard is for: ${rows.length} clusters × ${args.compareDays} days, no faults, in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    console.log(comparisonTable(rows, describe));
    ok = ok && rows.every((r) => r.byStrategy.wbguard.droppedBeyondAllowance === 0 || r.neverIdle);
  }
  return ok;
}
