import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ciscoTimestamp, JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.js';
import { tempDir } from '../../sim/helpers.js';

test('appends, reads back, counts today’s restarts per node and survives a torn last line', (t) => {
  const j = new JsonlJournal(tempDir(t));
  const now = Date.UTC(2026, 10, 21, 12, 0, 0);
  j.append({
    ts: new Date(now - 86_400_000).toISOString(),
    trigger: 'cli:a',
    kind: 'command',
    cluster: 'lab',
    node: 'cms1',
  });
  j.append({
    ts: new Date(now - 3_600_000).toISOString(),
    trigger: 'cli:a',
    kind: 'command',
    cluster: 'lab',
    node: 'cms1',
  });
  j.append({
    ts: new Date(now - 60_000).toISOString(),
    trigger: 'cli:a',
    kind: 'command',
    cluster: 'other',
    node: 'cms1',
  });
  j.append({
    ts: new Date(now).toISOString(),
    trigger: 'cli:a',
    kind: 'result',
    cluster: 'lab',
    node: 'cms1',
    outcome: 'success',
  });
  appendFileSync(j.path, '{"ts": "2026-11-21T12:00:01Z", "kind": "comm');
  assert.equal(j.entries().length, 4);
  assert.equal(j.restartsToday('lab', 'cms1', now), 1);
  assert.equal(j.restartsToday('lab', 'cms2', now), 0);
});

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
