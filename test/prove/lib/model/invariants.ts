/**
 * @module test/prove/lib/model/invariants
 * The restart invariants, checked against the ground truth at every decision and at the instant each restart
 * command reaches a Web Bridge (the list: run-model.ts), the leak bound against the true leak, and the journal's
 * closing entries. Violations are collected with the door that broke them, never thrown mid-run.
 */

import type { WbguardConfig } from '../../../../src/app/config/index.js';
import { SEEN_AFTER_COMMAND_MS } from '../../../../src/app/restart/in-flight.js';
import { inBlackout, insideWindow } from '../../../../src/core/policy/index.js';
import type { DaemonGuard } from './daemon-guard.js';
import type { MemoryJournal, ModelProcess } from './fakes.js';
import { ASSERT_LEAK_BOUND, type ModelStats } from './options.js';
import type { Evidence, World } from './world.js';

/** What the checks read of a running model (run-model.ts's Runner). */
export interface ModelState {
  readonly s: { readonly config: WbguardConfig };
  readonly stats: ModelStats;
  readonly world: World;
  readonly journal: MemoryJournal;
  readonly restartsInFlight: ReadonlyMap<string, ModelProcess>;
  /** Restart commands that reached a node, by `node day` on wbguard's clock. */
  readonly perDay: Map<string, number>;
  /** Newest record wbguard received per node, with the truth behind it. */
  readonly lastWebBridge: ReadonlyMap<string, Evidence>;
  readonly lastCallBridge: ReadonlyMap<string, Evidence>;
  /** Last restart command that reached each node: its true instant. */
  readonly reachedAt: Map<string, number>;
  readonly hostNow: () => number;
  violate(what: string, door?: string): void;
}

/** The door of the restart command just journaled for `name` (its trigger), as the figures name doors. */
export function doorOf(m: ModelState, name: string): string {
  for (let i = m.journal.kept.length - 1; i >= 0; i--) {
    const e = m.journal.kept[i];
    if (e?.kind === 'command' && e.node === name) {
      const t = e.trigger;
      if (t.startsWith('http:')) {
        return 'api';
      }
      if (t.startsWith('cli:timer')) {
        return 'timer';
      }
      if (t.startsWith('cli:')) {
        return t.endsWith(':force') ? 'cli-force' : 'cli';
      }
      return 'daemon';
    }
  }
  return 'daemon';
}

/** The outcome journaled for the last restart command of `name`, undefined while it has none. */
export function lastOutcome(m: ModelState, name: string): string | undefined {
  for (let i = m.journal.kept.length - 1; i >= 0; i--) {
    const e = m.journal.kept[i];
    if (e?.node !== name) {
      continue;
    }
    if (e.kind === 'result') {
      return typeof e.outcome === 'string' ? e.outcome : undefined;
    }
    if (e.kind === 'command') {
      return undefined;
    }
  }
  return 'success';
}

/** A restart command reached `name`: the moment every invariant must hold. */
export function checkCommand(m: ModelState, name: string): void {
  const c = m.s.config;
  const t = m.hostNow();
  const door = doorOf(m, name);
  m.stats.restartsReached++;
  m.stats.reachedByDoor[door] = (m.stats.reachedByDoor[door] ?? 0) + 1;
  // one at a time: on the truth, and a Web Bridge not verified back counts as down until it logs again
  for (const n of m.world.nodes) {
    if (n.name === name) {
      continue;
    }
    if (n.restarting || m.restartsInFlight.has(n.name)) {
      m.violate(`two at once: ${name} restarted while ${n.name} was still restarting`, door);
      continue;
    }
    const at = m.reachedAt.get(n.name);
    const outcome = at === undefined ? 'success' : lastOutcome(m, n.name);
    const logged = m.lastWebBridge.get(n.name)?.at ?? Number.NEGATIVE_INFINITY;
    if (at !== undefined && outcome !== 'success' && logged <= at + SEEN_AFTER_COMMAND_MS) {
      m.violate(
        `two at once: ${name} restarted while ${n.name}'s restart was not verified back (${outcome ?? 'no result yet'}) and it had not logged since`,
        door,
      );
    }
  }
  m.reachedAt.set(name, m.world.now);
  // window (wbguard's clock), and the true clock for the figures
  const policy = c.policy;
  if (policy) {
    const tz = policy.windows[0]?.tz ?? 'UTC';
    if (!insideWindow(t, policy.windows) || inBlackout(t, policy.blackouts, tz)) {
      if (door === 'daemon' || door === 'api') {
        m.violate(
          `${name} restarted outside a window or on a blackout date (host clock ${new Date(t).toISOString()})`,
          door,
        );
      } else {
        m.stats.outsideWindowByDoor[door] = (m.stats.outsideWindowByDoor[door] ?? 0) + 1;
      }
    }
    if (!insideWindow(m.world.now, policy.windows) || inBlackout(m.world.now, policy.blackouts, tz)) {
      m.stats.restartsOutsideWindowTrueClock++;
    }
  }
  // maxPerDay on wbguard's clock (the day the journal counts in)
  const key = `${name} ${new Date(t).toISOString().slice(0, 10)}`;
  const count = (m.perDay.get(key) ?? 0) + 1;
  m.perDay.set(key, count);
  if (count > c.restart.maxPerDay) {
    m.violate(`${name} restarted ${count} times on ${key.split(' ')[1]} (maxPerDay ${c.restart.maxPerDay})`, door);
  }
  if (door !== 'cli-force') {
    checkIdle(m, name, 'at the restart command', door);
  }
  const real = m.world.node(name).real;
  if (door === 'cli-force') {
    m.stats.droppedByForce += real;
  } else if (real > c.restart.maxActiveSessions) {
    m.stats.restartsWithRealJoinedAfterEvidence++;
    m.stats.droppedAfterEvidence += real;
  } else {
    m.stats.droppedWithinAllowance += real;
  }
}

/**
 * Idle and fresh on the newest evidence, against the truth at each piece of evidence's instant: the Web Bridge's
 * last Stats line, or the sum over Call Bridges of this Web Bridge's sessions each counted at its last STATS line.
 * A guest who joins after the evidence is invisible to any guard; such restarts are counted, not failed.
 */
export function checkIdle(m: ModelState, name: string, when: string, door = 'daemon'): void {
  const c = m.s.config;
  const max = c.restart.maxActiveSessions;
  const wb = m.lastWebBridge.get(name);
  const cbs = m.world.nodes.map((n) => m.lastCallBridge.get(n.name));
  const age = (at: number | undefined) => (at === undefined ? Number.POSITIVE_INFINITY : m.world.now - at);
  const oldestCb = Math.max(...cbs.map((e) => age(e?.at)));
  if (age(wb?.at) > c.restart.staleAfterMs || oldestCb > c.restart.staleAfterMs) {
    m.violate(
      `${name} ${when}: evidence not fresh on the true clock (Stats ${age(wb?.at) / 1000} s, oldest STATS ${oldestCb / 1000} s old)`,
      door,
    );
  }
  const realWb = wb?.realByNode.get(name) ?? Number.POSITIVE_INFINITY;
  const realCb = cbs.reduce((a, e) => a + (e?.realByNode.get(name) ?? Number.POSITIVE_INFINITY), 0);
  if (realWb > max && realCb > max) {
    if (process.env.MODEL_DEBUG) {
      console.log(when, name, { wb, cbs, nodes: m.world.nodes.map((n) => ({ ...n })), now: m.world.now });
    }
    m.violate(`${name} ${when}: ${Math.min(realWb, realCb)} real sessions on the newest evidence > ${max}`, door);
  }
}

/** The leak bound the worth-it guard reads, per Web Bridge, against the true leak now. */
export function checkLeakBound(m: ModelState, guard: DaemonGuard): void {
  for (const w of guard.report().webbridges) {
    const claimed = w.leakedMin;
    if (claimed === null || claimed === undefined) {
      continue;
    }
    const truth = m.world.nodes.find((n) => n.name === w.name)?.leaked;
    if (truth === undefined) {
      continue;
    }
    // A restart after the last Stats line cleared a leak the evidence still shows: not the bound's error.
    const restartedAt = m.reachedAt.get(w.name) ?? Number.NEGATIVE_INFINITY;
    if (restartedAt >= (m.lastWebBridge.get(w.name)?.at ?? Number.NEGATIVE_INFINITY)) {
      continue;
    }
    m.stats.leakBoundChecks++;
    if (claimed > truth) {
      m.stats.leakBoundOverClaims++;
      m.stats.leakBoundMaxOverClaim = Math.max(m.stats.leakBoundMaxOverClaim, claimed - truth);
      if (ASSERT_LEAK_BOUND) {
        m.violate(`${w.name}: leak bound ${claimed} > ${truth} leaked in truth`);
      }
    }
  }
}

/** Every journaled restart command is closed by a result for its Web Bridge before the next one, and at the end. */
export function checkJournal(m: ModelState): void {
  const open = new Map<string, string>();
  for (const e of m.journal.kept) {
    const node = e.node ?? '?';
    if (e.kind === 'command') {
      const ts = open.get(node);
      if (ts) {
        m.violate(`journal: restart of ${node} at ${ts} has no result entry`);
      }
      open.set(node, e.ts);
    } else if (e.kind === 'result') {
      open.delete(node);
    }
  }
  // Cut short by a crash after the last run: closed by the next restart run (closeInterruptedRestarts).
  m.stats.openAtEnd += open.size;
}
