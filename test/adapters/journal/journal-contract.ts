/**
 * The Journal contract (ports/journal.ts): the cases every journal must pass, run against the JSONL file
 * (jsonl-journal.contract.test.ts) and the in-memory journal (memory-journal.contract.test.ts). The folds that the
 * guards use (core/journal/folds.ts) are applied to what each journal hands back, so both give the guards the same
 * answers.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { type JournalEntry, planEntry } from '../../../src/core/journal/entries.js';
import {
  lastCommands,
  lastOutcomes,
  restartsToday,
  restartsWithoutResult,
  startOfDay,
} from '../../../src/core/journal/folds.js';
import type { Journal } from '../../../src/ports/journal.js';

export interface JournalContractOptions {
  readonly name: string;
  /** A fresh, empty journal for one case. */
  make(t: TestContext): Journal;
}

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const H = 3_600_000;

export function restartEntry(
  at: number,
  kind: 'command' | 'result',
  node: string,
  outcome?: string,
  cluster = 'lab',
): JournalEntry {
  return {
    ts: new Date(at).toISOString(),
    trigger: 'test',
    kind,
    cluster,
    node,
    ...(outcome !== undefined ? { outcome } : {}),
  };
}

/** A plan of two Web Bridges whose guards have these verdicts; `age` changes numbers only. */
export function planOf(at: number, verdicts: readonly string[], age = 0, cluster = 'lab'): JournalEntry {
  return planEntry({
    at,
    trigger: 'daemon:leak',
    cluster,
    mode: 'enforce',
    action: 'deferred-window',
    plan: {
      order: [],
      decisions: verdicts.map((verdict, i) => ({
        name: `cms${i + 1}`,
        kind: verdict === 'pass' ? 'restart' : 'defer',
        reasons: [`fresh: data ${age} s old`],
        guards: [{ guard: 'fresh', verdict, detail: `data ${age} s old`, numbers: { webbridgeAgeMs: age * 1000 } }],
      })),
    },
  });
}

export function runJournalContract(options: JournalContractOptions): void {
  const it = (name: string, fn: (journal: Journal) => void) =>
    test(`${options.name} journal: ${name}`, (t) => fn(options.make(t)));

  it('gives back what was appended, newest last, as many as asked', (journal) => {
    assert.deepEqual(journal.recent(5), []);
    const entries = [restartEntry(NOW - 2 * H, 'command', 'cms1'), restartEntry(NOW - H, 'result', 'cms1', 'success')];
    for (const e of entries) {
      journal.append(e);
    }
    assert.deepEqual(journal.recent(5), entries);
    assert.deepEqual(journal.recent(1), entries.slice(1));
    assert.deepEqual(journal.recent(0), []);
  });

  it('counts restarts started today per Web Bridge and cluster, in the time zone asked', (journal) => {
    journal.append(restartEntry(NOW - 24 * H, 'command', 'cms1')); // yesterday
    journal.append(restartEntry(NOW - 11 * H, 'command', 'cms1')); // 01:00 UTC today
    journal.append(restartEntry(NOW - 11 * H + 60_000, 'result', 'cms1', 'failure'));
    journal.append(restartEntry(NOW - H, 'command', 'cms1'));
    journal.append(restartEntry(NOW - 60_000, 'command', 'cms1', undefined, 'other'));
    const history = journal.history(startOfDay(NOW, 'Pacific/Kiritimati'));
    assert.equal(restartsToday(history, 'lab', 'cms1', NOW), 2);
    assert.equal(restartsToday(history, 'lab', 'cms2', NOW), 0);
    assert.equal(restartsToday(history, 'other', 'cms1', NOW), 1);
    // UTC+14: its day began at 10:00 UTC, after the 01:00 restart.
    assert.equal(restartsToday(history, 'lab', 'cms1', NOW, 'Pacific/Kiritimati'), 1);
  });

  it('finds the restarts without a result, and a result closes one', (journal) => {
    journal.append(restartEntry(NOW - 3 * H, 'command', 'cms1'));
    journal.append(restartEntry(NOW - 2 * H, 'command', 'cms2'));
    journal.append(restartEntry(NOW - 2 * H + 1000, 'result', 'cms2', 'success'));
    journal.append(restartEntry(NOW - H, 'command', 'cms9', undefined, 'other'));
    assert.deepEqual(restartsWithoutResult(journal.history(NOW), 'lab'), [
      { cluster: 'lab', node: 'cms1', commandAt: NOW - 3 * H },
    ]);
    assert.equal(restartsWithoutResult(journal.history(NOW)).length, 2);
    journal.append(restartEntry(NOW, 'result', 'cms1', 'abandoned'));
    assert.deepEqual(restartsWithoutResult(journal.history(NOW), 'lab'), []);
  });

  it('keeps the last outcome and the last command of each Web Bridge', (journal) => {
    journal.append(restartEntry(NOW - 5 * H, 'command', 'cms1'));
    journal.append(restartEntry(NOW - 5 * H + 1000, 'result', 'cms1', 'success'));
    journal.append(restartEntry(NOW - H, 'command', 'cms1'));
    journal.append(restartEntry(NOW - H + 1000, 'result', 'cms1', 'failure'));
    journal.append(restartEntry(NOW - 30 * 60_000, 'command', 'cms2'));
    const history = journal.history(NOW - 24 * H);
    assert.deepEqual(lastOutcomes(history, 'lab'), [
      { cluster: 'lab', node: 'cms1', outcome: 'failure', at: NOW - H + 1000 },
    ]);
    assert.deepEqual(lastCommands(history, 'lab'), [
      { node: 'cms1', at: NOW - H, outcome: 'failure' },
      { node: 'cms2', at: NOW - 30 * 60_000, outcome: undefined },
    ]);
  });

  it('writes an unchanged plan once; a changed verdict or a restart between writes it again', (journal) => {
    journal.append(planOf(NOW, ['fail', 'fail'], 10));
    journal.append(planOf(NOW + 60_000, ['fail', 'fail'], 70)); // the same verdicts, other numbers
    journal.append(planOf(NOW + 60_000, ['fail', 'fail'], 70, 'other')); // another cluster's
    assert.equal(journal.recent(10).length, 2);
    journal.append(planOf(NOW + 120_000, ['pass', 'fail'], 5));
    journal.append(planOf(NOW + 180_000, ['pass', 'fail'], 5));
    assert.equal(journal.recent(10).length, 3);
    journal.append(restartEntry(NOW + 190_000, 'command', 'cms1'));
    journal.append(planOf(NOW + 240_000, ['pass', 'fail'], 5));
    const kinds = journal.recent(10).map((e) => `${e.cluster}:${e.kind}`);
    assert.deepEqual(kinds, ['lab:plan', 'other:plan', 'lab:plan', 'lab:command', 'lab:plan']);
  });

  it('a clock stepped back writes out of order: today’s restart is still found behind the older entries', (journal) => {
    const today = Date.UTC(2026, 10, 24, 2, 0, 0);
    journal.append(restartEntry(today, 'command', 'cms1'));
    for (let i = 0; i < 50; i++) {
      journal.append(restartEntry(today - 3 * H + i * 60_000, 'result', 'cms1', 'failure'));
    }
    assert.equal(restartsToday(journal.history(startOfDay(today + H)), 'lab', 'cms1', today + H), 1);
  });
}
