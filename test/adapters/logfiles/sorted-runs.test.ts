/**
 * Records gathered out of time order handed on in time order (sorted-runs.ts): the order of a stable sort of all of
 * them, whatever the run size and the batch size, through temporary files past one run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { spilledBatches, spillFileOpen } from '../../../src/adapters/logfiles/record-spill.js';
import { SortedRuns } from '../../../src/adapters/logfiles/sorted-runs.js';
import type { CmsRecord } from '../../../src/core/model.js';
import { packedLength, unpackRecords } from '../../../src/core/packed-records.js';

const T0 = Date.UTC(2026, 10, 20);

const record = fc
  .tuple(fc.nat(3), fc.integer({ min: 0, max: 30 }), fc.constantFrom('cms1', 'cms2', 'cb1'), fc.nat(1000))
  .map(([kind, at, host, n]): CmsRecord => {
    const t = T0 + at * 1000;
    switch (kind) {
      case 0:
        return { kind: 'webbridge-stats', at: t, host, active: n, connects: n + 1, disconnects: n };
      case 1:
        return { kind: 'callbridge-stats', at: t, host, cma: n, cmaPeak: n, raw: { CMA: n, note: `n${n}` } };
      case 2:
        return { kind: 'mmp-restart', at: t, host, command: 'webbridge3 restart', user: n % 2 ? 'admin' : undefined };
      default:
        return { kind: 'join-refused', at: t, host };
    }
  });

async function drain(runs: SortedRuns, batchSize: number): Promise<{ records: CmsRecord[]; sizes: number[] }> {
  const records: CmsRecord[] = [];
  const sizes: number[] = [];
  for await (const packed of runs.batches(batchSize)) {
    sizes.push(packedLength(packed));
    records.push(...unpackRecords(packed));
  }
  return { records, sizes };
}

test('the order of a stable sort by time, whatever the runs and batches; runs past the first in temporary files', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(record, { maxLength: 120 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 9 }),
      fc.boolean(),
      async (records, runRecords, batchSize, raw) => {
        const runs = new SortedRuns({ raw, runRecords });
        const before = spilledBatches();
        for (const r of records) {
          if (r.kind === 'webbridge-stats') {
            runs.addWebBridgeStats(r.host, r.at, r.active, r.connects, r.disconnects);
          } else {
            runs.add(r);
          }
        }
        const spilled = records.length >= runRecords;
        assert.equal(runs.runs > 0, spilled);
        const { records: out, sizes } = await drain(runs, batchSize);
        // Array.prototype.sort is stable: of two records at the same instant, the one added first.
        const expected = [...records]
          .sort((a, b) => a.at - b.at)
          .map((r) => (r.kind === 'callbridge-stats' && !raw ? { ...r, raw: {} } : r));
        assert.deepEqual(out, expected);
        assert.ok(
          sizes.every((n, i) => n === batchSize || (i === sizes.length - 1 && n > 0)),
          `batches of ${batchSize}: ${sizes.join(',')}`,
        );
        assert.equal(spilledBatches() > before, spilled);
        assert.equal(spillFileOpen(), false, 'the temporary file let go at the end');
      },
    ),
    { numRuns: 300 },
  );
});

test('stopped early (the reading abandoned), the temporary file is let go all the same', async () => {
  const runs = new SortedRuns({ raw: false, runRecords: 3 });
  for (let i = 0; i < 20; i++) {
    runs.add({ kind: 'join-refused', at: T0 + ((i * 7) % 20) * 1000, host: 'cms1' });
  }
  for await (const packed of runs.batches(2)) {
    assert.equal(packedLength(packed), 2);
    assert.ok(spillFileOpen());
    break;
  }
  assert.equal(spillFileOpen(), false);
});

test("a thread keeps one run's worth of archives' records in memory in all: past it, an archive's go to the file", async () => {
  const fill = (runs: SortedRuns, n: number, host: string) => {
    for (let i = 0; i < n; i++) {
      runs.add({ kind: 'join-refused', at: T0 + ((i * 7) % n) * 1000, host });
    }
  };
  const first = new SortedRuns({ raw: false, runRecords: 10 });
  fill(first, 6, 'cms1');
  const firstBatches = first.batches(2);
  // Its records held in memory while the merge has not taken them all.
  assert.equal((await firstBatches.next()).done, false);
  const second = new SortedRuns({ raw: false, runRecords: 10 });
  fill(second, 6, 'cms2');
  const before = spilledBatches();
  const { records } = await drain(second, 2);
  assert.ok(spilledBatches() > before, 'the second archive through the file: 6 + 6 records are more than a run');
  assert.deepEqual(
    records.map((r) => r.at),
    Array.from({ length: 6 }, (_, i) => T0 + i * 1000),
  );
  // The first done with, a third fits in memory again.
  for await (const _ of firstBatches) {
    // drained
  }
  const third = new SortedRuns({ raw: false, runRecords: 10 });
  fill(third, 6, 'cms3');
  const beforeThird = spilledBatches();
  await drain(third, 2);
  assert.equal(spilledBatches(), beforeThird);
});
