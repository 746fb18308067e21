/**
 * @module prove/model
 * The long run of the randomized policy model: `npm run prove -- --only model [--seeds N] [--days D] [--wiring
 * daemon|proposed]`. Prints the figures docs/reliability.md quotes, and every violation with its seed and instant.
 */
import { runModel } from '../test/prove/lib/model/run-model.js';

export async function proveModel(args: { seeds: number; days: number; wiring: 'daemon' | 'proposed' }): Promise<boolean> {
  const started = performance.now();
  const stats = await runModel(1000, args.seeds, args.days, args.wiring);
  const seconds = (performance.now() - started) / 1000;
  console.log(`model (${args.wiring} wiring): ${stats.seeds} scenarios × ${args.days} days = ${stats.days} simulated days in ${seconds.toFixed(0)} s`);
  console.log(`  evaluations ${stats.evaluations}, decisions checked ${stats.decisionsChecked}, restart decisions checked ${stats.restartDecisionsChecked}`);
  console.log(`  restart commands ${stats.commandsSent}, reached a Web Bridge ${stats.restartsReached}, results ${JSON.stringify(stats.results)}`);
  console.log(`  faults: crashes ${stats.crashes} (${stats.crashesDuringRestart} during a restart), clock steps ${stats.clockSteps}, syslog outages ${stats.outages}`);
  console.log(`  real sessions dropped by restarts ${stats.droppedRealSessions}: ${stats.droppedWithinAllowance} at restarts within restart.maxActiveSessions, ${stats.droppedAfterEvidence} by ${stats.restartsWithRealJoinedAfterEvidence} restart(s) where a guest joined after the newest evidence`);
  console.log(`  restarts outside a window on the true clock (host clock stepped) ${stats.restartsOutsideWindowTrueClock}; joins refused at the limit ${stats.refusedJoins}`);
  console.log(`  restarts still open at the end (crash; closed by the next run) ${stats.openAtEnd}`);
  console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  console.log(`  violations: ${stats.violations.length}`);
  for (const v of stats.violations) {
    console.log(`    ${v}`);
  }
  return stats.violations.length === 0;
}
