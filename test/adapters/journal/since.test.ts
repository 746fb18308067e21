/**
 * The journal read backwards from its end, only as far as asked: the same entries as a full read filtered by time,
 * across chunk boundaries, with a torn last line skipped.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { test } from 'node:test';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.js';
import { tempDir } from '../../sim/helpers.js';

test('since(ms) equals entries() filtered by time, whatever the chunk boundaries', (t) => {
  const journal = new JsonlJournal(tempDir(t, 'wbguard-journal-'));
  const t0 = Date.UTC(2026, 10, 1);
  // About 1.5 MB: several 256 KB chunks, entries of varying size so lines straddle the boundaries.
  for (let i = 0; i < 3000; i++) {
    journal.append({
      ts: new Date(t0 + i * 60_000).toISOString(),
      trigger: 'test',
      kind: i % 7 === 0 ? 'command' : 'plan',
      cluster: 'lab',
      node: `cms${i % 3}`,
      pad: 'x'.repeat(100 + ((i * 37) % 700)),
    });
  }
  appendFileSync(journal.path, '{"ts":"2026-11-03T02:00:00.000Z","torn'); // a crash mid-line
  for (const from of [t0, t0 + 60_000 * 1234, t0 + 60_000 * 2999, t0 + 60_000 * 5000]) {
    const expected = journal.entries().filter((e) => Date.parse(e.ts) >= from);
    assert.deepEqual(journal.since(from), expected, `from ${new Date(from).toISOString()}`);
  }
  assert.equal(journal.since(t0).length, 3000);
  assert.equal(
    journal.restartsToday('lab', 'cms0', t0 + 60_000 * 2999),
    journal
      .entries()
      .filter((e) => e.kind === 'command' && e.node === 'cms0' && Date.parse(e.ts) >= Date.UTC(2026, 10, 3)).length,
  );
});

test('a clock stepped back writes entries out of order: since() still finds today’s restart behind them', (t) => {
  const journal = new JsonlJournal(tempDir(t, 'wbguard-journal-'));
  const today = Date.UTC(2026, 10, 24, 2, 0, 0);
  const entry = (ts: number, kind: 'command' | 'plan') => ({
    ts: new Date(ts).toISOString(),
    trigger: 'test',
    kind,
    cluster: 'lab',
    node: 'cms1',
  });
  journal.append(entry(today, 'command'));
  // The clock is stepped back three hours (into yesterday) and wbguard keeps writing.
  for (let i = 0; i < 50; i++) {
    journal.append(entry(today - 3 * 3_600_000 + i * 60_000, 'plan'));
  }
  assert.equal(journal.restartsToday('lab', 'cms1', today + 3_600_000), 1);
});
