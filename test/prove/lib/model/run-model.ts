/**
 * @module test/prove/lib/model/run-model
 * Runs one scenario for N simulated days, step by step, and checks the restart invariants against the ground truth
 * at every evaluation and at the instant each restart command reaches a Web Bridge:
 * - idle: on the newest evidence wbguard had (the Web Bridge's last Stats line or the last round of Call Bridge
 *   STATS), the Web Bridge truly had at most `maxActiveSessions` real sessions, and that evidence was fresh;
 * - one at a time: no other Web Bridge of the cluster was restarting (command sent, not back yet);
 * - window: in enforce, only inside a maintenance window and never on a blackout date (on wbguard's clock);
 * - maxPerDay: never more restarts of one Web Bridge in a UTC day (on wbguard's clock) than allowed;
 * - journal: every restart command journaled ends with a result entry (success, failure or abandoned).
 * Violations are collected with their context, never thrown mid-run, so a long run reports all of them.
 */
import { inBlackout, insideWindow } from '../../../../src/core/policy/index.js';
import { SshError } from '../../../../src/errors.js';
import type { MmpClient, MmpCommandResult } from '../../../../src/ports/mmp.js';
import { exponential, type Random, seededRandom } from '../../../../src/sim/random.js';
import { DaemonGuard } from './daemon-guard.js';
import { MemoryJournal, MemoryStore, ModelLock, type ModelProcess } from './fakes.js';
import { ModelGuard } from './guard.js';
import { drawScenario, type Scenario } from './scenario.js';
import { type Evidence, World } from './world.js';

export interface ModelStats {
  seeds: number;
  days: number;
  evaluations: number;
  /** Per-Web-Bridge verdicts checked (every decision of every plan). */
  decisionsChecked: number;
  restartDecisionsChecked: number;
  commandsSent: number;
  restartsReached: number;
  results: Record<string, number>;
  crashes: number;
  crashesDuringRestart: number;
  clockSteps: number;
  outages: number;
  droppedRealSessions: number;
  /** Restarts where a guest had joined after the newest evidence (the idle guard cannot see it). */
  restartsWithRealJoinedAfterEvidence: number;
  /** Real sessions dropped at restarts that had at most `maxActiveSessions` of them (what the config allows). */
  droppedWithinAllowance: number;
  /** Real sessions dropped at restarts that had more (guests who joined after the newest evidence). */
  droppedAfterEvidence: number;
  /** Restarts outside a window on the true clock while wbguard's clock was stepped. */
  restartsOutsideWindowTrueClock: number;
  refusedJoins: number;
  /** Restarts cut short by a crash and not yet closed when the run ended (the next restart run closes them). */
  openAtEnd: number;
  violations: string[];
}

export function emptyStats(): ModelStats {
  return {
    seeds: 0,
    days: 0,
    evaluations: 0,
    decisionsChecked: 0,
    restartDecisionsChecked: 0,
    commandsSent: 0,
    restartsReached: 0,
    results: {},
    crashes: 0,
    crashesDuringRestart: 0,
    clockSteps: 0,
    outages: 0,
    droppedRealSessions: 0,
    restartsWithRealJoinedAfterEvidence: 0,
    droppedWithinAllowance: 0,
    droppedAfterEvidence: 0,
    restartsOutsideWindowTrueClock: 0,
    refusedJoins: 0,
    openAtEnd: 0,
    violations: [],
  };
}

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5, 0, 0, 0);

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
  restartsInFlight = new Set<string>();
  /** Restart commands that reached a node, by `node day` on wbguard's clock. */
  perDay = new Map<string, number>();
  lastEval = 0;
  upAt = 0;
  /** Newest record wbguard received per node, with the truth behind it (a crash loses nothing stored). */
  readonly lastWebBridge = new Map<string, Evidence>();
  readonly lastCallBridge = new Map<string, Evidence>();

  readonly wiring: 'daemon' | 'proposed';

  constructor(s: Scenario, stats: ModelStats, rand: Random, wiring: 'daemon' | 'proposed') {
    this.wiring = wiring;
    this.s = s;
    this.stats = stats;
    this.rand = rand;
    this.world = new World(s.world, rand);
    this.lastEval = this.world.now;
  }

  hostNow = (): number => this.world.now + this.clockOffset;

  violate(what: string): void {
    if (this.stats.violations.length < 50) {
      this.stats.violations.push(`seed ${this.s.seed} at ${new Date(this.world.now).toISOString()}: ${what}`);
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
        this.reached(target.name);
        this.restartsInFlight.add(target.name);
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

  /** A restart command reached `name`: the moment every invariant must hold. */
  reached(name: string): void {
    const c = this.s.config;
    const t = this.hostNow();
    this.stats.restartsReached++;
    // one at a time
    for (const n of this.world.nodes) {
      if (n.name !== name && (n.restarting || this.restartsInFlight.has(n.name))) {
        this.violate(`two at once: ${name} restarted while ${n.name} was still restarting`);
      }
    }
    // window (wbguard's clock), and the true clock for the figures
    const policy = c.policy;
    if (policy) {
      const tz = policy.windows[0]?.tz ?? 'UTC';
      if (!insideWindow(t, policy.windows) || inBlackout(t, policy.blackouts, tz)) {
        this.violate(
          `${name} restarted outside a window or on a blackout date (host clock ${new Date(t).toISOString()})`,
        );
      }
      if (!insideWindow(this.world.now, policy.windows) || inBlackout(this.world.now, policy.blackouts, tz)) {
        this.stats.restartsOutsideWindowTrueClock++;
      }
    }
    // maxPerDay on wbguard's clock (the day the journal counts in)
    const key = `${name} ${new Date(t).toISOString().slice(0, 10)}`;
    const count = (this.perDay.get(key) ?? 0) + 1;
    this.perDay.set(key, count);
    if (count > c.restart.maxPerDay) {
      this.violate(`${name} restarted ${count} times on ${key.split(' ')[1]} (maxPerDay ${c.restart.maxPerDay})`);
    }
    this.checkIdle(name, 'at the restart command');
    const real = this.world.node(name).real;
    if (real > c.restart.maxActiveSessions) {
      this.stats.restartsWithRealJoinedAfterEvidence++;
      this.stats.droppedAfterEvidence += real;
    } else {
      this.stats.droppedWithinAllowance += real;
    }
  }

  /**
   * Idle and fresh on the newest evidence, against the truth at each piece of evidence's instant: the Web Bridge's
   * last Stats line, or the sum over Call Bridges of this Web Bridge's sessions each counted at its last STATS line.
   * A guest who joins after the evidence is invisible to any guard; such restarts are counted, not failed.
   */
  checkIdle(name: string, when: string): void {
    const c = this.s.config;
    const max = c.restart.maxActiveSessions;
    const wb = this.lastWebBridge.get(name);
    const cbs = this.world.nodes.map((n) => this.lastCallBridge.get(n.name));
    const age = (at: number | undefined) => (at === undefined ? Number.POSITIVE_INFINITY : this.world.now - at);
    const oldestCb = Math.max(...cbs.map((e) => age(e?.at)));
    if (age(wb?.at) > c.restart.staleAfterMs || oldestCb > c.restart.staleAfterMs) {
      this.violate(
        `${name} ${when}: evidence not fresh on the true clock (Stats ${age(wb?.at) / 1000} s, oldest STATS ${oldestCb / 1000} s old)`,
      );
    }
    const realWb = wb?.realByNode.get(name) ?? Number.POSITIVE_INFINITY;
    const realCb = cbs.reduce((a, e) => a + (e?.realByNode.get(name) ?? Number.POSITIVE_INFINITY), 0);
    if (realWb > max && realCb > max) {
      if (process.env.MODEL_DEBUG) {
        console.log(when, name, { wb, cbs, nodes: this.world.nodes.map((n) => ({ ...n })), now: this.world.now });
      }
      this.violate(`${name} ${when}: ${Math.min(realWb, realCb)} real sessions on the newest evidence > ${max}`);
    }
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
    // Its SSH sessions die with it; a Web Bridge it had restarted goes on restarting (world.nodes[].restarting).
    this.restartsInFlight.clear();
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

  async run(days: number): Promise<void> {
    const end = this.world.now + days * DAY;
    this.startGuard();
    let nextPrune = this.world.now + 3_600_000;
    while (this.world.now < end) {
      const restarting = this.guard?.restarting || this.sleepers.length > 0;
      const step = restarting ? 5000 : this.s.evaluateEveryMs;
      for (const r of this.world.advanceTo(this.world.now + step)) {
        if (this.guard) {
          this.guard.ingest(r);
          // Evidence is what wbguard received: lines sent while it was down never reach it.
          const truth = this.world.truthOf.get(r);
          if (truth) {
            (r.kind === 'webbridge-stats' ? this.lastWebBridge : this.lastCallBridge).set(r.host, truth);
          }
        }
      }
      this.randomEvents(step);
      if (!this.guard && this.world.now >= this.upAt) {
        this.startGuard();
      }
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
    // Stop as the daemon stops: a restart in flight is abandoned with a journal entry.
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
    this.checkJournal();
    this.stats.days += days;
    this.stats.droppedRealSessions += this.world.droppedReal;
    this.stats.refusedJoins += this.world.refusedJoins;
    for (const e of this.journal.kept) {
      if (e.kind === 'result' && typeof e.outcome === 'string') {
        this.stats.results[e.outcome] = (this.stats.results[e.outcome] ?? 0) + 1;
      }
    }
  }

  evaluateAndCheck(guard: ModelGuard | DaemonGuard): void {
    const e = guard.evaluate();
    this.stats.evaluations++;
    this.stats.decisionsChecked += e.plan.decisions.length;
    if (e.action === 'restart') {
      if (e.mode !== 'enforce' || !e.windowOpen) {
        this.violate(`action restart with mode ${e.mode}, window open ${e.windowOpen}`);
      }
    }
    if (e.action === 'restart' || e.action === 'would-restart') {
      for (const d of e.plan.decisions.filter((x) => x.kind === 'restart')) {
        this.stats.restartDecisionsChecked++;
        this.checkIdle(d.name, 'in a restart decision');
      }
    }
  }

  /** Every journaled restart command of the cluster is closed by a result before the next one, and at the end. */
  checkJournal(): void {
    let open: { node: string; ts: string } | undefined;
    for (const e of this.journal.kept) {
      if (e.kind === 'command') {
        if (open) {
          this.violate(`journal: restart of ${open.node} at ${open.ts} has no result entry`);
        }
        open = { node: e.node ?? '?', ts: e.ts };
      } else if (e.kind === 'result' && open && e.node === open.node) {
        open = undefined;
      }
    }
    if (open) {
      // Cut short by a crash after the last run: closed by the next restart run (closeInterruptedRestarts).
      this.stats.openAtEnd++;
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
  wiring: 'daemon' | 'proposed' = 'proposed',
  stats = emptyStats(),
): Promise<ModelStats> {
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const rand = seededRandom(seed);
    const scenario = drawScenario(seed, START, rand);
    await new Runner(scenario, stats, rand, wiring).run(days);
    stats.seeds++;
  }
  return stats;
}
