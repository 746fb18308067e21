/**
 * What only the JSONL file has: the Cisco-shaped log beside it, torn lines after a crash, rotation by size and by
 * age, logrotate moving the file away (plain or gzip), and a bounded read of the history however old the journal.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ciscoTimestamp, JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.js';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.js';
import type { JournalEntry } from '../../../src/core/journal/entries.js';
import { lastOutcomes, restartsToday, restartsWithoutResult, startOfDay } from '../../../src/core/journal/folds.js';
import type { Journal } from '../../../src/ports/journal.js';
import { tempDir } from '../../sim/helpers.js';
import { planOf, restartEntry } from './journal-contract.js';

const DAY = 86_400_000;
const H = 3_600_000;

const filesOf = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('journal.jsonl'))
    .sort();

/** The answers the guards and the start-up check get, from any journal. */
function folds(journal: Journal, now: number) {
  const history = journal.history(Math.min(startOfDay(now), now - DAY));
  return {
    today: ['cms1', 'cms2', 'cms3'].map((n) => restartsToday(history, 'lab', n, now)),
    open: restartsWithoutResult(history),
    last: lastOutcomes(history),
  };
}

test('the human log keeps the line shapes of Cisco’s script', (t) => {
  const j = new JsonlJournal(tempDir(t));
  const at = Date.UTC(2026, 10, 21, 2, 0, 5, 123);
  j.logCisco(at, 'cms1', true);
  j.logCisco(at, 'cms2', false, 'authentication refused [node:cms2]');
  assert.equal(
    readFileSync(j.humanLogPath, 'utf8'),
    '2026-11-21 02:00:05.123000 Webbridge on server: cms1 restarted successfully\n2026-11-21 02:00:05.123000 Failed to restart webbridge on server cms2. Error: authentication refused [node:cms2]\n',
  );
  assert.equal(ciscoTimestamp(0), '1970-01-01 00:00:00.000000');
});

test('entries are written as one JSON line each, fields unchanged; a torn last line is skipped', (t) => {
  const j = new JsonlJournal(tempDir(t));
  const now = Date.UTC(2026, 10, 21, 12, 0, 0);
  const command = { ...restartEntry(now - H, 'command', 'cms1'), command: 'webbridge restart', guards: [] };
  j.append(command);
  appendFileSync(j.path, '{"ts": "2026-11-21T12:00:01Z", "kind": "comm');
  assert.equal(readFileSync(j.path, 'utf8').split('\n')[0], JSON.stringify(command));
  assert.deepEqual(j.entries(), [command]);
  assert.equal(restartsToday(j.history(startOfDay(now)), 'lab', 'cms1', now), 1);
  // The next entry after the torn one is whole and read.
  j.append(restartEntry(now, 'result', 'cms1', 'success'));
  assert.equal(j.entries().length, 2);
});

test('rotates by size: journal.jsonl.1 … .keep, the oldest deleted, checkpoints carry what the deleted held', (t) => {
  const dir = tempDir(t);
  const j = new JsonlJournal(dir, { maxBytes: 2000, keep: 2 });
  const t0 = Date.UTC(2026, 0, 1);
  // A restart left open (its process died) at the very start, then a long quiet history.
  j.append(restartEntry(t0, 'command', 'cms3'));
  for (let i = 1; i <= 60; i++) {
    j.append(planOf(t0 + i * H, [i % 2 ? 'pass' : 'fail', 'fail'], i));
  }
  assert.deepEqual(filesOf(dir), ['journal.jsonl', 'journal.jsonl.1', 'journal.jsonl.2']);
  for (const f of filesOf(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    assert.ok(Buffer.byteLength(text) <= 2000 + 600, `${f}: ${Buffer.byteLength(text)} bytes`);
  }
  assert.doesNotMatch(
    filesOf(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join(''),
    /"kind":"command"/,
  );
  // The file holding the command is gone; the checkpoint at the head of each new file carried it.
  assert.deepEqual(restartsWithoutResult(j.history(t0 + 61 * H)), [{ cluster: 'lab', node: 'cms3', commandAt: t0 }]);
  assert.match(readFileSync(j.path, 'utf8').split('\n')[0] ?? '', /"kind":"checkpoint".*"node":"cms3","open":true/);
  // recent() reads across the files and leaves checkpoints out.
  assert.deepEqual(
    j.recent(5).map((e) => e.ts),
    [56, 57, 58, 59, 60].map((i) => new Date(t0 + i * H).toISOString()),
  );
});

test('rotates by age: the first entry older than maxAgeMs starts a new file', (t) => {
  const dir = tempDir(t);
  const j = new JsonlJournal(dir, { maxAgeMs: 7 * DAY });
  const t0 = Date.UTC(2026, 0, 1);
  for (let d = 0; d < 20; d++) {
    j.append(restartEntry(t0 + d * DAY, 'command', 'cms1'));
    j.append(restartEntry(t0 + d * DAY + 60_000, 'result', 'cms1', 'success'));
  }
  // Days 0–6, 7–13, 14–19.
  assert.deepEqual(filesOf(dir), ['journal.jsonl', 'journal.jsonl.1', 'journal.jsonl.2']);
  assert.match(readFileSync(join(dir, 'journal.jsonl.1'), 'utf8'), /^\{"ts":"2026-01-08T00:00:00.000Z"/);
  assert.equal(restartsToday(j.history(t0 + 19 * DAY), 'lab', 'cms1', t0 + 19 * DAY + H), 1);
});

test('logrotate moves the file (and gzips the older ones): the next entry starts the new file; folds read them all', (t) => {
  const dir = tempDir(t);
  const j = new JsonlJournal(dir);
  const t0 = Date.UTC(2026, 5, 1);
  j.append(restartEntry(t0, 'command', 'cms1'));
  j.append(restartEntry(t0 + 1000, 'result', 'cms1', 'failure'));
  j.append(restartEntry(t0 + H, 'command', 'cms2'));
  // logrotate with `create` and `compress` (no delaycompress): the moved file is gzipped at once.
  renameSync(j.path, `${j.path}.1`);
  writeFileSync(`${j.path}.1.gz`, gzipSync(readFileSync(`${j.path}.1`)));
  renameSync(`${j.path}.1`, `${j.path}.tmp`);
  writeFileSync(j.path, '');
  const now = t0 + 2 * H;
  assert.deepEqual(restartsWithoutResult(j.history(now)), [{ cluster: 'lab', node: 'cms2', commandAt: t0 + H }]);
  assert.equal(restartsToday(j.history(startOfDay(now)), 'lab', 'cms1', now), 1);
  j.append(restartEntry(now, 'result', 'cms2', 'success'));
  const lines = readFileSync(j.path, 'utf8').trim().split('\n');
  assert.equal(lines.length, 2, 'a checkpoint, then the entry');
  assert.match(lines[0] ?? '', /"kind":"checkpoint"/);
  assert.deepEqual(restartsWithoutResult(j.history(now)), []);
  assert.deepEqual(
    lastOutcomes(j.history(now)).map((o) => `${o.node}:${o.outcome}`),
    ['cms1:failure', 'cms2:success'],
  );
});

test('a year of entries: the folds read a bounded amount, the same answers as a full fold', (t) => {
  const dir = tempDir(t);
  const j = new JsonlJournal(dir); // the defaults: no rotation within a year of this size
  const mirror = new MemoryJournal();
  const both = (e: JournalEntry) => {
    j.append(e);
    mirror.append(e);
  };
  const t0 = Date.UTC(2025, 11, 1);
  const days = 365;
  const bytesReadFor = (now: number) => {
    const before = j.reads.bytes;
    assert.deepEqual(folds(j, now), folds(mirror, now), new Date(now).toISOString());
    return j.reads.bytes - before;
  };
  let afterADay = 0;
  for (let d = 0; d < days; d++) {
    const day = t0 + d * DAY;
    // A window opens at night: a plan (every guard's numbers, ~1.5 KB) and a restart of one of three nodes.
    both(planOf(day + 2 * H, ['pass', 'fail', 'fail'], d));
    // One day in forty, a Web Bridge restarted once in the year is cut short by a crash: it stays open until closed.
    const crash = d % 40 === 7;
    const node = crash ? `once${d}` : `cms${(d % 3) + 1}`;
    both({ ...restartEntry(day + 2 * H + 1000, 'command', node), pad: 'g'.repeat(6000) });
    if (!crash) {
      both(restartEntry(day + 2 * H + 90_000, 'result', node, d % 5 ? 'success' : 'failure'));
    }
    both(planOf(day + 3 * H, ['fail', 'fail', 'fail'], d));
    if (d === 1) {
      afterADay = bytesReadFor(day + 12 * H);
    }
  }
  const size = readFileSync(j.path).length;
  const afterAYear = bytesReadFor(t0 + (days - 1) * DAY + 12 * H);
  t.diagnostic(`history read: ${afterADay} bytes after a day, ${afterAYear} bytes after a year (file ${size} bytes)`);
  assert.ok(size > 2_500_000, `the journal holds ${size} bytes`);
  assert.ok(afterADay > 0);
  // Back to the first checkpoint older than the day asked: at most the checkpoint interval (256 KiB) plus two days,
  // read in 64 KiB chunks; a full read would be the whole file.
  assert.ok(afterAYear <= 256 * 1024 + 2 * 64 * 1024, `read ${afterAYear} of ${size} bytes after a year`);
  assert.ok(afterAYear < size / 4, `read ${afterAYear} of ${size} bytes after a year`);
  // The restarts cut short long ago are still known open, through the checkpoints.
  assert.equal(restartsWithoutResult(j.history(t0 + days * DAY)).length, Math.ceil((days - 7) / 40));
});

test('a journal written before checkpoints existed is read whole once, then from the checkpoint it gets', (t) => {
  const dir = tempDir(t);
  const t0 = Date.UTC(2025, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const e = i % 4 === 0 ? restartEntry(t0 + i * H, 'command', `cms${i % 3}`) : planOf(t0 + i * H, ['fail'], i);
    lines.push(JSON.stringify(e));
  }
  lines.push(JSON.stringify(restartEntry(t0 + 4000 * H, 'command', 'cms9')));
  writeFileSync(join(dir, 'journal.jsonl'), `${lines.join('\n')}\n`);
  const size = readFileSync(join(dir, 'journal.jsonl')).length;
  const j = new JsonlJournal(dir);
  const now = t0 + 4000 * H + 60_000;
  const first = j.reads.bytes;
  assert.deepEqual(restartsWithoutResult(j.history(now - DAY), 'lab').at(-1), {
    cluster: 'lab',
    node: 'cms9',
    commandAt: t0 + 4000 * H,
  });
  assert.ok(j.reads.bytes - first >= size, 'the first read is whole');
  const second = j.reads.bytes;
  const again = new JsonlJournal(dir); // another process: what it reads is in the file, not in memory
  assert.deepEqual(folds(again, now), folds(j, now));
  assert.ok(again.reads.bytes < 64 * 1024 + 4096, `then ${again.reads.bytes} bytes`);
  assert.ok(j.reads.bytes - second < 64 * 1024 + 4096);
});
