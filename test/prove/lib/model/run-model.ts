/**
 * @module test/prove/lib/model/run-model
 * Runs one scenario for N simulated days, step by step. Requests come through every door, interleaved on one
 * cluster: the daemon's policy, `wbguard restart` from an operator (with and without `--force`, and right after a
 * failed restart — issue 16's case), `POST /api/v1/restart`, and the printed timer (`wbguard restart --leaking
 * --yes` at its cron instants); doors.ts has the adapters. The restart invariants are checked against the ground
 * truth at every decision and at the instant each restart command reaches a Web Bridge:
 * - idle: on the newest evidence wbguard had (the Web Bridge's last Stats line or the last round of Call Bridge
 *   STATS), the Web Bridge truly had at most `maxActiveSessions` real sessions, and that evidence was fresh
 *   (`--force` skips this guard by design: such restarts are counted, not checked);
 * - one at a time: no other Web Bridge of the cluster was restarting (command sent, not back yet), and none whose
 *   last restart was not verified back had logged nothing since (it counts as down until it logs again);
 * - window: in enforce, only inside a maintenance window and never on a blackout date (on wbguard's clock), for the
 *   daemon and the API; the CLI and the timer are an operator's explicit act and are counted, not failed;
 * - maxPerDay: never more restarts of one Web Bridge in a UTC day (on wbguard's clock) than allowed, at every door;
 * - journal: every restart command journaled ends with a result entry (success, failure or abandoned).
 * It also checks the leak bound the worth-it guard reads (`leakedMin` per Web Bridge) against the true leak at every
 * evaluation (`ASSERT_LEAK_BOUND`), and measures lockout minutes, sessions dropped and restarts made, for wbguard's
 * policy and for the two alternatives (`strategy`: Cisco's weekly blind restart, no action).
 * Violations are collected with their context, never thrown mid-run, so a long run reports all of them.
 */
import { Cron } from 'croner';
import type { CmsRecord } from '../../../../src/core/model.js';
import { insideWindow } from '../../../../src/core/policy/index.js';
import { SshError } from '../../../../src/errors.js';
import type { MmpClient, MmpCommandResult } from '../../../../src/ports/mmp.js';
import { exponential, type Random, seededRandom } from '../../../../src/sim/random.js';
import { API_TOKEN, DaemonGuard } from './daemon-guard.js';
import { apiRestart, type CliRequest, cliRestart, lockOnlyRestart } from './doors.js';
import { MemoryJournal, MemoryStore, ModelLock, type ModelProcess } from './fakes.js';
import { ModelGuard } from './guard.js';
import { checkCommand, checkIdle, checkJournal, checkLeakBound } from './invariants.js';
import {
  ASSERT_LEAK_BOUND,
  DAEMON_ONLY,
  type DoorMix,
  EVERY_DOOR,
  emptyStats,
  type ModelOptions,
  type ModelStats,
} from './options.js';
import { drawScenario, type Scenario } from './scenario.js';

export { ASSERT_LEAK_BOUND, DAEMON_ONLY, type DoorMix, EVERY_DOOR, emptyStats, type ModelOptions, type ModelStats };

import { type Evidence, World } from './world.js';

const DAY = 86_400_000;

/** The first simulated instant: Monday 5 January 2026, 00:00 UTC. */
export const START = Date.UTC(2026, 0, 5, 0, 0, 0);

interface Sleeper {
  readonly wakeAt: number;
  readonly process: ModelProcess;
  readonly resolve: () => void;
}

class Runner {
  readonly s: Scenario;
  readonly stats: ModelStats;
  readonly rand: Random;
  readonly world: World;
  readonly store = new MemoryStore();
  readonly journal = new MemoryJournal();
  process: ModelProcess = { id: 1, alive: true };
  readonly lock = new ModelLock(this.process);
  guard: ModelGuard | DaemonGuard | undefined;
  clockOffset = 0;
  clockBackAt = 0;
  sleepers: Sleeper[] = [];
  restartsInFlight = new Map<string, ModelProcess>();
  /** Restart commands that reached a node, by `node day` on wbguard's clock. */
  perDay = new Map<string, number>();
  lastEval = 0;
  upAt = 0;
  /** Newest record wbguard received per node, with the truth behind it (a crash loses nothing stored). */
  readonly lastWebBridge = new Map<string, Evidence>();
  readonly lastCallBridge = new Map<string, Evidence>();

  readonly wiring: 'daemon' | 'proposed';
  readonly o: ModelOptions;
  /** CLI runs in progress (an operator's, the timer's), each its own process. */
  cliRunning = 0;
  timerRunning = false;
  apiPending = 0;
  nextPid = 1000;
  readonly timerCron: Cron;
  ciscoCron: Cron | undefined;
  lastTimerCheck: number;
  journalSeen = 0;
  /** Last restart command that reached each node: its true instant (for "counts as down until it logs again"). */
  readonly reachedAt = new Map<string, number>();

  constructor(s: Scenario, stats: ModelStats, rand: Random, o: ModelOptions) {
    this.o = o;
    this.wiring = o.wiring;
    this.s = s;
    this.stats = stats;
    this.rand = rand;
    // The load has its own random stream: the strategies compared see the same joins until their restarts differ.
    this.world = new World(s.world, seededRandom(s.seed * 7919 + 17));
    this.lastEval = this.world.now;
    this.lastTimerCheck = this.world.now;
    this.timerCron = new Cron(s.config.policy?.schedule ?? '0 2 * * 6', {
      paused: true,
      mode: '5-part',
      timezone: s.config.policy?.tz ?? 'UTC',
    });
  }

  hostNow = (): number => this.world.now + this.clockOffset;

  violate(what: string, door = 'daemon'): void {
    this.stats.violationsByDoor[door] = (this.stats.violationsByDoor[door] ?? 0) + 1;
    if (this.stats.violations.length < 50) {
      this.stats.violations.push(`seed ${this.s.seed} at ${new Date(this.world.now).toISOString()} [${door}]: ${what}`);
    } else if (this.stats.violations.length === 50) {
      this.stats.violations.push('… more violations not listed');
    }
  }

  sleepFor(p: ModelProcess) {
    return (ms: number) =>
      new Promise<void>((resolve) => {
        this.sleepers.push({ wakeAt: this.world.now + ms, process: p, resolve });
      });
  }

  /** The MMP of every node, answering as the simulator does, with the scenario's faults. */
  mmpFor(p: ModelProcess): MmpClient {
    const sleep = this.sleepFor(p);
    const config = this.s.config;
    const f = this.s.faults;
    const done = (stdout: string, exitCode: number): MmpCommandResult => ({
      stdout,
      stderr: '',
      exitCode,
      durationMs: 0,
    });
    return {
      fetchHostKey: () => Promise.reject(new Error('not used')),
      exec: async (target, command) => {
        if (!p.alive) {
          return new Promise<never>(() => {});
        }
        const node = this.world.node(target.name);
        if (command !== config.mmp.restartCommand) {
          return n2(node.restarting ? done('FAILURE: webbridge is starting', 1) : done('Status : running', 0));
        }
        this.stats.commandsSent++;
        const r = this.rand();
        if (r < f.connectFail) {
          await sleep(3000);
          throw new SshError('WBGUARD_ERR_SSH_CONNECT', `connect refused [node:${target.name}]`);
        }
        if (r < f.connectFail + f.exitFailure) {
          await sleep(2000);
          return done('FAILURE: webbridge restart failed', 1);
        }
        checkCommand(this, target.name);
        this.restartsInFlight.set(target.name, p);
        const slow = r < f.connectFail + f.exitFailure + f.slowRestart;
        const keep = this.rand() < f.keepLeak;
        this.world.restart(
          target.name,
          slow ? between(this.rand, 8, 25) * 60_000 : between(this.rand, 40, 180) * 1000,
          keep,
        );
        try {
          if (this.rand() < f.timeoutAfterRestart) {
            await sleep(config.mmp.commandTimeoutMs);
            throw new SshError('WBGUARD_ERR_SSH_TIMEOUT', `command timed out [node:${target.name}]`);
          }
          await sleep(2000 + this.rand() * 6000);
          return done('SUCCESS: Webbridge restarted', 0);
        } finally {
          this.restartsInFlight.delete(target.name);
        }
      },
    };
  }

  startGuard(): void {
    this.process = { id: this.process.id + 1, alive: true };
    this.lock.useProcess(this.process);
    // 'proposed': the daemon's own ClusterGuard; 'daemon': the wiring before the model (negative control).
    const Guard = this.wiring === 'proposed' ? DaemonGuard : ModelGuard;
    this.guard = new Guard({
      config: this.s.config,
      store: this.store,
      journal: this.journal,
      lock: this.lock,
      mmp: this.mmpFor(this.process),
      process: this.process,
      now: this.hostNow,
      sleep: this.sleepFor(this.process),
      retentionMs: 14 * DAY,
      wiring: this.wiring,
    });
  }

  crash(): void {
    this.stats.crashes++;
    if (this.guard?.restarting) {
      this.stats.crashesDuringRestart++;
    }
    this.process.alive = false;
    this.guard = undefined;
    // Its SSH sessions die with it (a CLI run's do not); a Web Bridge it had restarted goes on restarting.
    for (const [node, p] of this.restartsInFlight) {
      if (!p.alive) {
        this.restartsInFlight.delete(node);
      }
    }
    this.sleepers = this.sleepers.filter((s) => s.process.alive);
    this.upAt = this.world.now + this.rand() * 20 * 60_000;
  }

  randomEvents(stepMs: number): void {
    const f = this.s.faults;
    const perStep = (perDay: number) => this.rand() < (perDay * stepMs) / DAY;
    for (const n of this.world.nodes) {
      if (perStep(f.outagePerDay)) {
        this.stats.outages++;
        n.silentUntil = this.world.now + between(this.rand, 5, 180) * 60_000;
      }
    }
    if (this.clockOffset === 0 && perStep(f.clockStepPerDay)) {
      this.stats.clockSteps++;
      this.clockOffset = (this.rand() < 0.5 ? -1 : 1) * between(this.rand, 1, 180) * 60_000;
      this.clockBackAt = this.world.now + exponential(this.rand, 3 * 3_600_000);
    } else if (this.clockOffset !== 0 && this.world.now >= this.clockBackAt) {
      this.clockOffset = 0;
    }
    if (this.guard && (perStep(f.crashPerDay) || (this.guard.restarting && perStep(f.crashDuringRestart * 200)))) {
      this.crash();
    }
  }

  /** A process of its own for one `wbguard restart` run (it outlives a crash of the daemon). */
  cliDeps() {
    const p: ModelProcess = { id: this.nextPid++, alive: true };
    return {
      config: this.s.config,
      store: this.store,
      journal: this.journal,
      lock: this.lock.forProcess(p),
      mmp: this.mmpFor(p),
      now: this.hostNow,
      sleep: this.sleepFor(p),
      onPlan: (decisions: ReadonlyArray<{ name: string; kind: string; forced: boolean }>, door: string) => {
        for (const d of decisions) {
          this.stats.decisionsChecked++;
          if (d.kind === 'restart' && !d.forced) {
            this.stats.restartDecisionsChecked++;
            checkIdle(this, d.name, 'in a restart decision', door);
          }
        }
      },
    };
  }

  /** `wbguard restart …` through the CLI door (or the lock-only control), as one more process beside the daemon. */
  cli(req: CliRequest, door: string): void {
    this.stats.requestsByDoor[door] = (this.stats.requestsByDoor[door] ?? 0) + 1;
    const run = this.o.doors.lockOnly ? lockOnlyRestart : cliRestart;
    const isTimer = door === 'timer';
    if (isTimer) {
      this.timerRunning = true;
    } else {
      this.cliRunning++;
    }
    const deps = this.cliDeps();
    void run({ ...deps, onPlan: (d) => deps.onPlan(d, door) }, req)
      .catch((err: Error) => this.violate(`the ${door} door threw: ${err.message}`, door))
      .finally(() => {
        if (isTimer) {
          this.timerRunning = false;
        } else {
          this.cliRunning--;
        }
      });
  }

  randomName(except?: string): string {
    const names = this.world.nodes.map((n) => n.name).filter((n) => n !== except);
    return names[Math.floor(this.rand() * names.length)] ?? 'cms1';
  }

  /** The doors other than the daemon's policy: operators, the API, the timer. */
  doorRequests(stepMs: number): void {
    const d = this.o.doors;
    // People act mostly when they may: requests are eight times as frequent while a window is open.
    const p = this.s.config.policy;
    const boost = p && insideWindow(this.hostNow(), p.windows) ? 8 : 1;
    const perStep = (perDay: number) => perDay > 0 && this.rand() < (boost * perDay * stepMs) / DAY;
    // A restart that failed, and an operator who at once forces the next one (issue 16's case).
    for (; this.journalSeen < this.journal.kept.length; this.journalSeen++) {
      const e = this.journal.kept[this.journalSeen];
      if (
        e?.kind === 'result' &&
        e.outcome === 'failure' &&
        e.node &&
        this.cliRunning === 0 &&
        this.rand() < d.forceAfterFailure
      ) {
        this.cli({ names: [this.randomName(e.node)], force: true, user: 'operator' }, 'cli-force');
      }
    }
    if (this.cliRunning === 0 && perStep(d.cliPerDay)) {
      const force = this.rand() < d.forceShare;
      const all = this.rand() < 0.3;
      this.cli(
        all ? { all: true, force, user: 'operator' } : { names: [this.randomName()], force, user: 'operator' },
        force ? 'cli-force' : 'cli',
      );
    }
    const guard = this.guard;
    if (guard instanceof DaemonGuard && this.apiPending === 0 && perStep(d.apiPerDay)) {
      this.stats.requestsByDoor.api = (this.stats.requestsByDoor.api ?? 0) + 1;
      this.apiPending++;
      // The operator clicks Restart on the fullest Web Bridge the dashboard shows, or asks for all of them.
      const fullest = [...guard.report().webbridges].sort((a, b) => (b.active ?? 0) - (a.active ?? 0))[0]?.name;
      const names = this.rand() < 0.3 || !fullest ? undefined : [fullest];
      void apiRestart(guard.http, API_TOKEN, names)
        .then((r) => {
          if (r.status !== 200) {
            this.violate(`POST /api/v1/restart answered ${r.status}`, 'api');
          }
        })
        .catch((err: Error) => this.violate(`the API door threw: ${err.message}`, 'api'))
        .finally(() => {
          this.apiPending--;
        });
    }
    if (d.timer) {
      const due =
        (this.timerCron.nextRun(new Date(this.lastTimerCheck))?.getTime() ?? Number.POSITIVE_INFINITY) <=
        this.hostNow();
      this.lastTimerCheck = this.hostNow();
      if (due && !this.timerRunning) {
        this.cli({ leaking: true, force: false, user: 'timer' }, 'timer');
      }
    }
  }

  /** Cisco's script on its timer: `webbridge restart` on every Web Bridge, no guard, no check, no order. */
  ciscoRestarts(): void {
    this.ciscoCron ??= new Cron('0 2 * * 6', {
      paused: true,
      mode: '5-part',
      timezone: this.s.config.policy?.tz ?? 'UTC',
    });
    const due =
      (this.ciscoCron.nextRun(new Date(this.lastTimerCheck))?.getTime() ?? Number.POSITIVE_INFINITY) <= this.world.now;
    this.lastTimerCheck = this.world.now;
    if (due) {
      for (const n of this.world.nodes) {
        this.world.restart(n.name, between(this.rand, 40, 180) * 1000, false);
      }
    }
  }

  /** The syslog records of the last step reach the daemon, if it is up (and with them the evidence). */
  deliver(records: readonly CmsRecord[]): void {
    for (const r of records) {
      if (this.guard) {
        this.guard.ingest(r);
        // Evidence is what wbguard received: lines sent while it was down never reach it.
        const truth = this.world.truthOf.get(r);
        if (truth) {
          (r.kind === 'webbridge-stats' ? this.lastWebBridge : this.lastCallBridge).set(r.host, truth);
        }
      }
    }
  }

  async run(days: number): Promise<void> {
    const end = this.world.now + days * DAY;
    const strategy = this.o.strategy ?? 'wbguard';
    if (strategy === 'wbguard') {
      this.startGuard();
    }
    let nextPrune = this.world.now + 3_600_000;
    while (this.world.now < end) {
      const restarting = this.guard?.restarting || this.sleepers.length > 0;
      const step = restarting ? 5000 : strategy === 'wbguard' ? this.s.evaluateEveryMs : 60_000;
      this.deliver(this.world.advanceTo(this.world.now + step));
      if (strategy === 'cisco') {
        this.ciscoRestarts();
        continue;
      }
      if (strategy === 'none') {
        continue;
      }
      this.randomEvents(step);
      if (!this.guard && this.world.now >= this.upAt) {
        this.startGuard();
      }
      this.doorRequests(step);
      const due = this.sleepers.filter((s) => s.wakeAt <= this.world.now);
      if (due.length > 0) {
        this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.world.now);
        for (const s of due) {
          if (s.process.alive) {
            s.resolve();
          }
        }
        await new Promise((r) => setImmediate(r));
      }
      if (this.guard && this.world.now - this.lastEval >= this.s.evaluateEveryMs) {
        this.lastEval = this.world.now;
        this.evaluateAndCheck(this.guard);
        await new Promise((r) => setImmediate(r));
      }
      if (this.world.now >= nextPrune) {
        nextPrune += 3_600_000;
        this.guard?.prune();
      }
    }
    // Stop as the daemon stops: a restart in flight is abandoned with a journal entry; CLI runs finish first.
    for (let i = 0; i < 100_000 && (this.cliRunning > 0 || this.timerRunning || this.apiPending > 0); i++) {
      this.deliver(this.world.advanceTo(this.world.now + 5000));
      for (const s of this.sleepers.filter((x) => x.wakeAt <= this.world.now)) {
        this.sleepers.splice(this.sleepers.indexOf(s), 1);
        if (s.process.alive) {
          s.resolve();
        }
      }
      await new Promise((r) => setImmediate(r));
    }
    const guard = this.guard;
    if (guard) {
      const closing = guard.close();
      for (let i = 0; i < 1000 && guard.restarting; i++) {
        for (const s of this.sleepers.splice(0)) {
          s.resolve();
        }
        await new Promise((r) => setImmediate(r));
      }
      await closing;
    }
    checkJournal(this);
    this.stats.days += days;
    this.stats.droppedRealSessions += this.world.droppedReal;
    this.stats.refusedJoins += this.world.refusedJoins;
    this.stats.lockoutMinutes += this.world.lockoutMinutes;
    if (strategy === 'cisco') {
      this.stats.restartsReached += this.world.restarts;
    }
    for (const e of this.journal.kept) {
      if (e.kind === 'result' && typeof e.outcome === 'string') {
        this.stats.results[e.outcome] = (this.stats.results[e.outcome] ?? 0) + 1;
      }
    }
  }

  evaluateAndCheck(guard: ModelGuard | DaemonGuard): void {
    const e = guard.evaluate();
    this.stats.evaluations++;
    this.stats.requestsByDoor.daemon = (this.stats.requestsByDoor.daemon ?? 0) + 1;
    this.stats.decisionsChecked += e.plan.decisions.length;
    if (guard instanceof DaemonGuard) {
      checkLeakBound(this, guard);
    }
    if (e.action === 'restart') {
      if (e.mode !== 'enforce' || !e.windowOpen) {
        this.violate(`action restart with mode ${e.mode}, window open ${e.windowOpen}`);
      }
    }
    if (e.action === 'restart' || e.action === 'would-restart') {
      for (const d of e.plan.decisions.filter((x) => x.kind === 'restart')) {
        this.stats.restartDecisionsChecked++;
        checkIdle(this, d.name, 'in a restart decision');
      }
    }
  }
}

function between(rand: Random, lo: number, hi: number): number {
  return lo + rand() * (hi - lo);
}

function n2<T>(v: T): Promise<T> {
  return Promise.resolve(v);
}

/** Runs `seeds` scenarios of `days` each, from `firstSeed`; returns the figures and every violation found. */
export async function runModel(
  firstSeed: number,
  seeds: number,
  days: number,
  options: ModelOptions | 'daemon' | 'proposed' = 'proposed',
  stats = emptyStats(),
): Promise<ModelStats> {
  const o: ModelOptions = typeof options === 'string' ? { wiring: options, doors: DAEMON_ONLY } : options;
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const rand = seededRandom(seed);
    const drawn = drawScenario(seed, START, rand);
    const faults = o.calm ? CALM : drawn.faults;
    // Never idle: at least 3 guests a minute at night too (hours of 45–180 sessions over 2–4 Web Bridges).
    const busy = Math.max(3, drawn.world.peakJoinsPerMin);
    const world = o.neverIdle ? { ...drawn.world, peakJoinsPerMin: busy, nightJoinsPerMin: busy } : drawn.world;
    const scenario = { ...drawn, world, faults: { ...faults, slowRestart: o.slowRestart ?? faults.slowRestart } };
    await new Runner(scenario, stats, rand, o).run(days);
    stats.seeds++;
  }
  return stats;
}

/** No faults at all: the strategies compared on the load alone. */
const CALM: Scenario['faults'] = {
  outagePerDay: 0,
  clockStepPerDay: 0,
  crashPerDay: 0,
  crashDuringRestart: 0,
  connectFail: 0,
  exitFailure: 0,
  timeoutAfterRestart: 0,
  slowRestart: 0,
  keepLeak: 0,
};
