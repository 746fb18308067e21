/**
 * The records of files estimated from samples of them (record-density.ts), before they are read: real files.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { estimatedRecords, FILES_SAMPLED, sampledRecordDensity } from '../../../src/app/analyze/record-density.js';
import { tempDir } from '../../sim/helpers.js';

const stats = (i: number) =>
  `Oct  1 00:00:${String(i % 60).padStart(2, '0')}.000 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 7, c:${i}, d:${i}`;
const cbStats = (i: number) =>
  `Oct  1 00:00:${String(i % 60).padStart(2, '0')}.000 user.info cms1 host:server: INFO : STATS: {"CMA": "3/9", "n": ${i}}`;
const audit = (i: number) =>
  `Oct  1 00:00:${String(i % 60).padStart(2, '0')}.000 user.info cms1 host:server: INFO : User admin: webbridge restart ${i}`;
const chatter = (i: number) =>
  `Oct  1 00:00:${String(i % 60).padStart(2, '0')}.000 user.info cms1 host:server: WARNING : call ${i}: media timeout on leg ${i * 7}`;

function file(dir: string, name: string, lines: number, line: (i: number) => string): { path: string; size: number } {
  const text = `${Array.from({ length: lines }, (_, i) => line(i)).join('\n')}\n`;
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, size: Buffer.byteLength(text) };
}

test('a file of records only, large or small, is estimated to hold about its lines', (t) => {
  const dir = tempDir(t, 'wbguard-density-');
  // Large: its first 64 KiB of 3 MB. Small: read whole.
  for (const lines of [30_000, 500]) {
    const f = file(dir, `stats-${lines}.log`, lines, (i) => (i % 9 === 0 ? cbStats(i) : stats(i)));
    const estimate = estimatedRecords([f], f.size);
    assert.ok(Math.abs(estimate - lines) / lines < 0.05, `${estimate} estimated for ${lines}`);
  }
});

test('a CMS log, a record in a hundred lines, is estimated at about that; a log without one at none', (t) => {
  const dir = tempDir(t, 'wbguard-density-');
  const sparse = file(dir, 'cms.log', 60_000, (i) =>
    i % 100 === 0 ? stats(i) : i % 1000 === 1 ? audit(i) : chatter(i),
  );
  const estimate = estimatedRecords([sparse], sparse.size);
  const truth = 600 + 60;
  assert.ok(estimate > truth * 0.7 && estimate < truth * 1.3, `${estimate} estimated for ${truth}`);
  const none = file(dir, 'none.log', 10_000, chatter);
  assert.equal(sampledRecordDensity([none]), 0);
});

test('samples of several files: their density over all the bytes; unreadable files passed over, none readable 0', (t) => {
  const dir = tempDir(t, 'wbguard-density-');
  const dense = file(dir, 'dense.log', 20_000, stats);
  const sparse = file(dir, 'sparse.log', 20_000, chatter);
  const density = sampledRecordDensity([dense, sparse]);
  const expected = 20_000 / (dense.size + sparse.size);
  assert.ok(Math.abs(density - expected) / expected < 0.1, `${density} against ${expected}`);
  const missing = { path: join(dir, 'gone.log'), size: 1_000_000 };
  assert.equal(sampledRecordDensity([missing, dense]), sampledRecordDensity([dense]));
  assert.equal(sampledRecordDensity([missing]), 0);
  // Only the first FILES_SAMPLED files are read: a dense file after them does not count.
  const sparseOnes = Array.from({ length: FILES_SAMPLED }, () => sparse);
  assert.equal(sampledRecordDensity([...sparseOnes, dense]), 0);
});
