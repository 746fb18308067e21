/**
 * @module test/prove/lib/model/scenario
 * Draws one random scenario from a seed: cluster size, load, leak, thresholds, windows in a time zone, blackouts,
 * an optional cron schedule, and the fault rates. Every value is one a real configuration may hold.
 */
import { parseConfig, type WbguardConfig } from '../../../../src/app/config/index.js';
import type { Random } from '../../../../src/sim/random.js';
import type { WorldOptions } from './world.js';

export interface FaultRates {
  /** Per node and day: syslog from the node stops for a while. */
  readonly outagePerDay: number;
  /** Per day: the host clock is stepped (either way), and put right hours later. */
  readonly clockStepPerDay: number;
  /** Per day: wbguard is killed (kill -9) and started again by its supervisor. */
  readonly crashPerDay: number;
  /** Per restart in flight: wbguard is killed during it. */
  readonly crashDuringRestart: number;
  /** Per restart command: outcomes other than a clean restart. */
  readonly connectFail: number;
  readonly exitFailure: number;
  readonly timeoutAfterRestart: number;
  readonly slowRestart: number;
  readonly keepLeak: number;
}

export interface Scenario {
  readonly seed: number;
  readonly config: WbguardConfig;
  readonly world: WorldOptions;
  readonly faults: FaultRates;
  readonly evaluateEveryMs: number;
}

const pick = <T>(rand: Random, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const between = (rand: Random, lo: number, hi: number) => lo + rand() * (hi - lo);

const ZONES = [
  { tz: 'UTC', offset: 0 },
  { tz: 'Europe/Berlin', offset: 1 },
  { tz: 'America/New_York', offset: -5 },
  { tz: 'Asia/Kolkata', offset: 5.5 },
] as const;

const WINDOWS = [
  [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '01:00', to: '04:00' }],
  [{ days: ['sat'], from: '02:00', to: '03:00' }],
  [{ days: ['sun', 'wed'], from: '23:30', to: '01:30' }],
  [
    { days: ['tue', 'thu'], from: '00:15', to: '00:45' },
    { days: ['sat', 'sun'], from: '03:00', to: '05:00' },
  ],
] as const;

export function drawScenario(seed: number, start: number, rand: Random): Scenario {
  const nodes = 2 + Math.floor(rand() * 3);
  const zone = pick(rand, ZONES);
  const windows = pick(rand, WINDOWS).map((w) => ({ ...w, days: [...w.days], tz: zone.tz }));
  const blackouts = Array.from({ length: Math.floor(rand() * 4) }, () =>
    new Date(start + Math.floor(rand() * 60) * 86_400_000).toISOString().slice(0, 10),
  );
  const names = Array.from({ length: nodes }, (_, i) => `cms${i + 1}`);
  const config = parseConfig(
    {
      cluster: 'model',
      webbridges: names.map((name, i) => ({
        name,
        mmp: `127.0.0.1:${2200 + i}`,
        hostKey: `SHA256:${'A'.repeat(42)}${i}`,
      })),
      callbridges: names.map((name) => ({ name })),
      mmp: { username: 'admin', password: 'env:MODEL_PW', commandTimeoutMs: 20_000 },
      restart: {
        maxActiveSessions: pick(rand, [0, 0, 0, 1, 3]),
        leakThreshold: pick(rand, [5, 10, 20]),
        maxPerDay: pick(rand, [1, 1, 2, 3]),
        verifyHealthyReadings: 1 + Math.floor(rand() * 3),
        // The model's Web Bridges log Stats once a minute; the live verifier needs a new line at every reading, so
        // shorter intervals can never verify (docs/reliability.md). Some scenarios keep them to exercise failures.
        verifyIntervalMs: pick(rand, [60_000, 60_000, 90_000, 5000]),
        verifyTimeoutMs: pick(rand, [300_000, 600_000, 900_000]),
      },
      policy: {
        mode: 'enforce',
        tz: zone.tz,
        windows,
        blackouts,
        ...(rand() < 0.3 ? { schedule: pick(rand, ['0 2 * * 6', '30 1 * * *', '0 3 * * 0']) } : {}),
        leakTrigger: rand() < 0.85,
      },
      state: '/nonexistent/model-state',
    },
    { resolveSecrets: false },
  );
  return {
    seed,
    config,
    evaluateEveryMs: pick(rand, [30_000, 60_000, 120_000]),
    world: {
      nodes,
      start,
      peakJoinsPerMin: between(rand, 0.5, 4),
      nightJoinsPerMin: between(rand, 0.002, 0.08),
      meanStayMin: between(rand, 15, 60),
      leakP: between(rand, 0.02, 0.15),
      limit: config.analysis.limit,
      utcOffsetHours: zone.offset,
    },
    faults: {
      outagePerDay: between(rand, 0, 0.6),
      clockStepPerDay: between(rand, 0, 0.3),
      crashPerDay: between(rand, 0, 0.3),
      crashDuringRestart: between(rand, 0, 0.1),
      connectFail: 0.05,
      exitFailure: 0.05,
      timeoutAfterRestart: 0.03,
      slowRestart: 0.05,
      keepLeak: 0.03,
    },
  };
}
