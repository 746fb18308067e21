/**
 * The merge of many sources in groups (merge-groups.ts): the same records in the same order as one merge of all of
 * them, for any records (out of time order within a source, at the same instant across sources), any group width;
 * counts and errors reported as the sources are read; only one group's sources read at once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type BatchFeed, mergeByTime } from '../../../src/adapters/logfiles/merge-by-time.js';
import type { RecordBatch } from '../../../src/adapters/logfiles/read-batches.js';
import { spillFileOpen } from '../../../src/adapters/logfiles/record-spill.js';
import { groupBatchRecords, MERGE_WIDTH, mergeGroups, mergeInGroups } from '../../../src/app/analyze/merge-groups.js';
import type { CmsRecord } from '../../../src/core/model.js';
import { packRecords, visitPacked } from '../../../src/core/packed-records.js';

function recordOf(kind: number, at: number, host: string, n: number): CmsRecord {
  switch (kind) {
    case 0:
      return { kind: 'webbridge-stats', at, host, active: n, connects: n * 2, disconnects: n };
    case 1:
      return { kind: 'callbridge-stats', at, host, cma: n, cmaPeak: n + 1, raw: {} };
    case 2:
      return { kind: 'mmp-restart', at, host, command: 'webbridge restart', user: n % 2 ? 'admin' : undefined };
    default:
      return { kind: 'join-refused', at, host };
  }
}

/** A source's batches: each with counts of its own, so that they can be told apart. */
type SourceSpec = CmsRecord[][];

function feedsOf(sources: readonly SourceSpec[], first = 0): BatchFeed[] {
  return sources.map((batches, k) => {
    const s = first + k;
    let i = 0;
    return {
      source: { kind: 'plain', path: `s${s}.log`, mtimeMs: 0, size: 0 },
      async next(): Promise<RecordBatch | undefined> {
        const records = batches[i++];
        if (records === undefined) {
          return undefined;
        }
        return {
          ...packRecords(records, { raw: false }),
          lines: records.length + 1,
          malformed: s,
          bytes: 10,
          errors: [],
        };
      },
    };
  });
}

/** Every record handed on (as objects, Stats ones rebuilt from their fields) and every batch's counts. */
function recorder() {
  const records: CmsRecord[] = [];
  const counts: Array<{ source: string; lines: number; malformed: number; bytes: number }> = [];
  const onRecord = (r: CmsRecord) => records.push(r);
  return {
    records,
    counts,
    hooks: {
      onRecord,
      onPackedRecord: (b: RecordBatch, i: number) =>
        visitPacked(
          b,
          i,
          (host, at, active, connects, disconnects) =>
            records.push({ kind: 'webbridge-stats', host, at, active, connects, disconnects }),
          onRecord,
        ),
      onBatch: (b: Pick<RecordBatch, 'lines' | 'malformed' | 'bytes'>, source: string) =>
        counts.push({ source, lines: b.lines, malformed: b.malformed, bytes: b.bytes }),
      onError: () => {},
    },
  };
}

const record = fc
  .tuple(fc.nat(3), fc.integer({ min: 0, max: 40 }), fc.constantFrom('cms1', 'cms2', 'cb1'), fc.nat(100))
  .map(([kind, at, host, n]) => recordOf(kind, 1_763_600_000_000 + at * 1000, host, n));
const source = fc.array(fc.array(record, { maxLength: 6 }), { maxLength: 5 });

describe('mergeInGroups', () => {
  test("the groups' batches the final merge holds at once stay within 8 MiB of numbers, down to 128 records a batch", () => {
    assert.equal(groupBatchRecords(2), 1024);
    assert.equal(groupBatchRecords(170), 1024);
    assert.equal(groupBatchRecords(391), 446, '100,000 files');
    assert.equal(groupBatchRecords(100_000), 128);
    for (let groups = 1; groups <= 2000; groups++) {
      const records = groupBatchRecords(groups);
      assert.ok(records >= 128 && records <= 1024);
      assert.ok(records === 128 || groups * records * 6 * 8 <= 8 * 1024 * 1024, `${groups} groups`);
      assert.ok(groups === 1 || records <= groupBatchRecords(groups - 1), 'fewer records a batch as groups grow');
    }
  });

  test('groups: consecutive, covering every source once, none wider than asked, as even as can be', () => {
    assert.deepEqual(mergeGroups(0, 4), [{ from: 0, to: 0 }]);
    assert.deepEqual(mergeGroups(4, 4), [{ from: 0, to: 4 }]);
    assert.deepEqual(mergeGroups(5, 4), [
      { from: 0, to: 2 },
      { from: 2, to: 5 },
    ]);
    assert.equal(mergeGroups(4000).length, Math.ceil(4000 / MERGE_WIDTH));
    fc.assert(
      fc.property(fc.nat(5000), fc.integer({ min: 1, max: 600 }), (count, width) => {
        const groups = mergeGroups(count, width);
        assert.equal(groups[0]?.from, 0);
        assert.equal(groups.at(-1)?.to, count);
        for (const [g, { from, to }] of groups.entries()) {
          assert.ok(to - from <= width);
          assert.ok(count === 0 || to > from);
          if (g > 0) {
            assert.equal(from, groups[g - 1]?.to);
          }
        }
      }),
    );
  });

  test('the same records in the same order as one merge of every source, whatever the records, the width, the batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(source, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        async (sources, width, batchRecords) => {
          const whole = recorder();
          await mergeByTime(feedsOf(sources), whole.hooks);
          const groups = mergeGroups(sources.length, width);
          const grouped = recorder();
          const opened: number[] = [];
          const groupsRead: Array<{ opened: number; handedOn: number }> = [];
          await mergeInGroups(
            groups.length,
            (g) => {
              // A group's sources are opened only once the groups before it are read.
              assert.equal(opened.length, groups[g]?.from);
              const { from, to } = groups[g] as { from: number; to: number };
              const feeds = feedsOf(sources.slice(from, to), from);
              opened.push(...feeds.map((_, i) => from + i));
              return feeds;
            },
            grouped.hooks,
            {
              batchRecords,
              // Once every group is read and before any record is handed on (what read them can be let go).
              onGroupsRead: async () => {
                groupsRead.push({ opened: opened.length, handedOn: grouped.records.length });
              },
            },
          );
          assert.deepEqual(groupsRead, groups.length > 1 ? [{ opened: sources.length, handedOn: 0 }] : []);
          assert.deepEqual(grouped.records, whole.records);
          // Every source's counts reported, each once (in the order the sources are read, which groups change).
          const key = (c: { source: string; lines: number }) => `${c.source}:${c.lines}`;
          assert.deepEqual(grouped.counts.map(key).sort(), whole.counts.map(key).sort());
          assert.equal(spillFileOpen(), false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
