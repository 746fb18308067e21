/**
 * Regression tests for what the randomized model (policy-model.test.ts, prove/model.ts) found, one per fix in src/,
 * each small enough to show the bug on its own.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { JsonlJournal } from '../../src/adapters/journal/jsonl-journal.js';
import { MemoryJournal } from '../../src/adapters/journal/memory-journal.js';
import { FileRestartLock } from '../../src/adapters/lock/file-lock.js';
import { stillRestarting } from '../../src/app/restart/in-flight.js';
import { closeInterruptedRestarts } from '../../src/app/restart/interrupted.js';
import { runRollingRestart } from '../../src/app/restart/orchestrator.js';
import { ClusterAnalyzer } from '../../src/core/analysis/index.js';
import type { AnalysisReport } from '../../src/core/model.js';
import { evaluateRestart, type RestartDecision, type RestartInput } from '../../src/core/policy/index.js';
import { DEFAULT_THRESHOLDS } from '../helpers/guard-thresholds.js';

function stateDir(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-prove-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const restartDecision = (name: string): RestartDecision => ({
  kind: 'restart',
  name,
  reasons: [],
  guards: [],
  leakedMin: 30,
  active: 30,
});

const settings = {
  cluster: 'lab',
  restartCommand: 'webbridge restart',
  commandTimeoutMs: 1000,
  verifyTimeoutMs: 60_000,
  verifyHealthyReadings: 3,
  verifyIntervalMs: 1000,
};

const okMmp = {
  exec: async () => ({ stdout: 'SUCCESS', stderr: '', exitCode: 0, durationMs: 1 }),
  fetchHostKey: () => Promise.reject(new Error('unused')),
};

test('verification readings leave no abort listener behind on the daemon-long signal', async (t) => {
  const dir = stateDir(t);
  const stopping = new AbortController();
  let clock = 0;
  let reads = 0;
  await runRollingRestart(
    { order: ['cms1', 'cms2'], decisions: [restartDecision('cms1'), restartDecision('cms2')] },
    settings,
    {
      mmp: okMmp,
      journal: new JsonlJournal(dir),
      lock: new FileRestartLock(dir),
      targetOf: (name) => ({ name, host: '127.0.0.1', port: 22, hostKey: undefined }),
      // Unhealthy twice, then healthy: several sleeps per node.
      verifiersFor: () => [{ name: 'x', read: async () => ({ healthy: ++reads % 5 > 1, detail: 'x' }) }],
      trigger: 'test',
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      signal: stopping.signal,
    },
    { keepGoing: false },
  );
  assert.ok(reads >= 6, `only ${reads} readings: the test did not sleep between readings`);
  assert.equal(getEventListeners(stopping.signal, 'abort').length, 0);
});

test('a restart cut short by a crash is closed as abandoned by the next run, only when the lock is free', (t) => {
  const dir = stateDir(t);
  const journal = new JsonlJournal(dir);
  const lock = new FileRestartLock(dir);
  journal.append({
    ts: '2026-01-01T02:00:00.000Z',
    trigger: 'daemon:leak',
    kind: 'command',
    cluster: 'lab',
    node: 'cms1',
  });
  journal.append({ ts: '2026-01-01T01:00:00.000Z', trigger: 'x', kind: 'command', cluster: 'other', node: 'cms9' });
  journal.append({
    ts: '2026-01-01T01:00:01.000Z',
    trigger: 'x',
    kind: 'result',
    cluster: 'other',
    node: 'cms9',
    outcome: 'success',
  });

  const held = lock.tryAcquire('lab', 'cms2', Date.parse('2026-01-01T03:00:00Z'));
  assert.ok(held.ok);
  assert.deepEqual(closeInterruptedRestarts(journal, lock, 'lab', Date.parse('2026-01-01T03:00:00Z'), 't'), []);
  held.release();

  assert.deepEqual(closeInterruptedRestarts(journal, lock, 'lab', Date.parse('2026-01-01T03:00:00Z'), 't'), ['cms1']);
  const last = journal.entries().at(-1);
  assert.equal(last?.kind, 'result');
  assert.equal(last?.outcome, 'abandoned');
  assert.equal(last?.node, 'cms1');
  assert.equal(lock.holder('lab', Date.now()), undefined, 'the check releases the lock');
  // Closed once: a second look finds nothing open.
  assert.deepEqual(closeInterruptedRestarts(journal, lock, 'lab', Date.parse('2026-01-01T03:00:01Z'), 't'), []);
});

const thresholds = DEFAULT_THRESHOLDS;
const now = Date.parse('2026-01-03T02:00:00Z');
const idleInput: RestartInput = {
  name: 'cms1',
  now,
  active: 40,
  webbridgeSeenAt: now - 30_000,
  clusterCma: 0,
  oldestCallbridgeSeenAt: now - 60_000,
  // Proven at the last STATS instant (the Σ CMA above is older than the Stats sample: it alone proves nothing).
  provenLeak: 40,
  restartsToday: 0,
  restartInFlight: null,
  force: false,
};

test('a clock stepped back makes data stamped in its future not fresh', () => {
  assert.equal(evaluateRestart(idleInput, thresholds).kind, 'restart', 'the baseline restarts');
  // wbguard's clock went back 40 minutes: the same data is now 40 minutes "ahead".
  const stepped = { ...idleInput, now: now - 40 * 60_000 };
  const d = evaluateRestart(stepped, thresholds);
  assert.equal(d.kind, 'defer');
  assert.match(d.reasons.join(' '), /clocks of wbguard and CMS disagree/);
  // A node whose own data is old but whose cluster's newest record is ahead: caught by newestDataAt.
  const oldButLooksFresh = {
    ...idleInput,
    now: now - 40 * 60_000,
    webbridgeSeenAt: now - 41 * 60_000,
    oldestCallbridgeSeenAt: now - 41 * 60_000,
  };
  assert.equal(evaluateRestart(oldButLooksFresh, thresholds).kind, 'restart', 'without the cluster view it passes');
  assert.equal(evaluateRestart({ ...oldButLooksFresh, newestDataAt: now }, thresholds).kind, 'defer');
  // Ordinary jitter between CMS's clock and wbguard's is tolerated.
  assert.equal(evaluateRestart({ ...idleInput, webbridgeSeenAt: now + 30_000 }, thresholds).kind, 'restart');
});

test('the orchestrator asks again before each node and journals the veto', async (t) => {
  const dir = stateDir(t);
  const journal = new JsonlJournal(dir);
  const sent: string[] = [];
  const results = await runRollingRestart(
    { order: ['cms1', 'cms2'], decisions: [restartDecision('cms1'), restartDecision('cms2')] },
    { ...settings, verifyHealthyReadings: 1 },
    {
      mmp: {
        ...okMmp,
        exec: async (target) => {
          sent.push(target.name);
          return { stdout: 'SUCCESS', stderr: '', exitCode: 0, durationMs: 1 };
        },
      },
      journal,
      lock: new FileRestartLock(dir),
      targetOf: (name) => ({ name, host: '127.0.0.1', port: 22, hostKey: undefined }),
      verifiersFor: () => [{ name: 'x', read: async () => ({ healthy: true, detail: 'x' }) }],
      trigger: 'test',
      now: () => now,
      sleep: async () => {},
      recheck: (name) => (name === 'cms2' ? { kind: 'defer', reasons: ['idle: a guest joined'] } : undefined),
    },
    { keepGoing: false },
  );
  assert.deepEqual(sent, ['cms1']);
  assert.deepEqual(
    results.map((r) => r.outcome),
    ['success', 'deferred'],
  );
  assert.ok(journal.entries().some((e) => e.kind === 'decision' && e.node === 'cms2' && e.outcome === 'deferred'));
});

function reportWith(lastSeen: Record<string, string | null>): AnalysisReport {
  return {
    webbridges: Object.entries(lastSeen).map(([name, seen]) => ({ name, lastSeen: seen })),
  } as unknown as AnalysisReport;
}

test('a Web Bridge not seen since its failed restart still counts as being restarted', () => {
  const entries = [
    { ts: '2026-01-03T01:50:00.000Z', trigger: 't', kind: 'command' as const, cluster: 'lab', node: 'cms1' },
    {
      ts: '2026-01-03T01:55:00.000Z',
      trigger: 't',
      kind: 'result' as const,
      cluster: 'lab',
      node: 'cms1',
      outcome: 'failure',
    },
  ];
  const historyOf = (list: typeof entries) => {
    const journal = new MemoryJournal();
    for (const e of list) {
      journal.append(e);
    }
    return journal.history(0);
  };
  assert.equal(
    stillRestarting(historyOf(entries), reportWith({ cms1: '2026-01-03T01:49:00Z', cms2: null }), 'lab', now),
    'cms1',
  );
  assert.equal(
    stillRestarting(historyOf(entries), reportWith({ cms1: '2026-01-03T01:58:00Z' }), 'lab', now),
    null,
    'seen again',
  );
  assert.equal(stillRestarting(historyOf(entries), reportWith({ cms1: '2026-01-03T01:49:00Z' }), 'other', now), null);
  const succeeded = [entries[0], { ...entries[1], outcome: 'success' }] as typeof entries;
  assert.equal(stillRestarting(historyOf(succeeded), reportWith({ cms1: '2026-01-03T01:49:00Z' }), 'lab', now), null);
});

test('the report shows a limit episode ending even though episodes are converted once', () => {
  const a = new ClusterAnalyzer({ limit: 10 });
  const lines = { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 };
  const stats = (at: number, active: number) =>
    a.add({ kind: 'webbridge-stats', at, host: 'cms1', active, connects: 5, disconnects: 1 });
  stats(1000, 10);
  assert.deepEqual(a.report(lines).webbridges[0]?.limitEpisodes, [{ start: '1970-01-01T00:00:01.000Z', end: null }]);
  stats(2000, 9);
  assert.deepEqual(a.report(lines).webbridges[0]?.limitEpisodes, [
    { start: '1970-01-01T00:00:01.000Z', end: '1970-01-01T00:00:02.000Z' },
  ]);
  stats(3000, 10);
  assert.equal(a.report(lines).webbridges[0]?.limitEpisodes.length, 2);
});
