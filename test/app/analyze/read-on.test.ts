/**
 * A scan worker's sources reading on past their credit (read-on.ts): which one reads on, and what it then hands on —
 * the batches read on first, in order, through a real temporary file, then the rest, and a failure met while reading
 * on only after the batches read before it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RecordBatch } from '../../../src/adapters/logfiles/read-batches.js';
import { spilledBatches } from '../../../src/adapters/logfiles/record-spill.js';
import { SpareBufferList } from '../../../src/adapters/logfiles/spare-buffers.js';
import {
  READ_ON_MOST_RECORDS,
  READ_ON_MOST_SOURCES,
  readOnChoice,
  SourceTurn,
} from '../../../src/app/analyze/read-on.js';
import { packRecords, unpackRecords } from '../../../src/core/packed-records.js';
import { scratchTmpdir } from '../../helpers/tmpdir.js';

process.env.TMPDIR = scratchTmpdir('wbguard-read-on-');

/** A batch of Stats records of `host` at the instants `ats`. */
function batchAt(ats: readonly number[], host = 'cms1'): RecordBatch {
  const records = ats.map((at, i) => ({
    kind: 'webbridge-stats' as const,
    at,
    host,
    active: i,
    connects: at,
    disconnects: 0,
  }));
  return { ...packRecords(records), lines: ats.length, malformed: 0, bytes: 100 * ats.length, errors: [] };
}

/** A source's batches, then (if given) a failure. */
async function* batchesOf(batches: readonly RecordBatch[], failure?: Error): AsyncGenerator<RecordBatch> {
  for (const b of batches) {
    yield b;
  }
  if (failure) {
    throw failure;
  }
}

/** A source waiting for credit, its first record at `firstAt`. */
function waiting(firstAt: number, overrides: Partial<Pick<SourceTurn, 'asked' | 'ended' | 'closed'>> = {}): SourceTurn {
  const s = new SourceTurn(0, true);
  s.firstAt = firstAt;
  Object.assign(s, overrides);
  return s;
}

describe('the source that reads on', () => {
  test('is the waiting one whose first record is the earliest, never one the merge has asked for more', () => {
    const early = waiting(100);
    const late = waiting(500);
    const asked = waiting(10, { asked: true });
    const ended = waiting(5, { ended: true });
    const closed = waiting(1, { closed: true });
    const sources = [late, asked, early, ended, closed];
    assert.equal(readOnChoice(sources, sources.length, false), early);
    assert.equal(readOnChoice([late, asked], 2, false), late);
    assert.equal(readOnChoice([asked, ended], 2, false), undefined);
    const letGo = new SourceTurn(0, false);
    assert.equal(readOnChoice([letGo], 1, false), undefined, 'a compressed source let go after its first batch');
  });

  test('is none while a source has credit, the worker reads segments, or it holds too many sources', () => {
    const early = waiting(100);
    const reading = new SourceTurn(3, true);
    assert.equal(readOnChoice([early, reading], 2, false), undefined);
    assert.equal(readOnChoice([early], 1, true), undefined);
    assert.equal(readOnChoice([early], READ_ON_MOST_SOURCES + 1, false), undefined);
    assert.equal(readOnChoice([early], READ_ON_MOST_SOURCES, false), early);
  });

  test('is none once the worker holds READ_ON_MOST_RECORDS read on and not handed on, by any of its sources', () => {
    const early = waiting(100);
    const drained = waiting(50, { ended: true });
    drained.aheadRecords = READ_ON_MOST_RECORDS - 1;
    assert.equal(readOnChoice([early, drained], 2, false), early);
    drained.aheadRecords = READ_ON_MOST_RECORDS;
    assert.equal(readOnChoice([early, drained], 2, false), undefined);
  });
});

describe('a source that read on', () => {
  test('hands on what it read on first, in order, then the rest; its first record time is kept', async () => {
    const batches = [batchAt([1, 2]), batchAt([3, 4]), batchAt([5]), batchAt([6, 7])];
    const spares = new SpareBufferList();
    const turn = new SourceTurn(0, true);
    const source = batchesOf(batches);
    const before = spilledBatches();
    await turn.readOn(source, spares);
    await turn.readOn(source, spares);
    assert.equal(turn.aheadCount, 2);
    assert.equal(turn.aheadRecords, 4);
    assert.equal(turn.firstAt, 1);
    assert.equal(spilledBatches() - before, 2, 'kept in the temporary file');
    const out: number[] = [];
    for (let b = await turn.next(source, spares); b !== undefined; b = await turn.next(source, spares)) {
      out.push(...unpackRecords(b).map((r) => r.at));
    }
    assert.deepEqual(out, [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(turn.aheadRecords, 0, 'counted off as handed on');
    assert.equal(turn.firstAt, 1, 'its first record, kept');
    turn.close();
  });

  test('reading on to the end: it ends once what it read is handed on', async () => {
    const turn = new SourceTurn(0, true);
    const source = batchesOf([batchAt([1])]);
    const spares = new SpareBufferList();
    await turn.readOn(source, spares);
    await turn.readOn(source, spares);
    assert.equal(turn.ended, true);
    assert.equal(unpackRecords((await turn.next(source, spares)) as RecordBatch)[0]?.at, 1);
    assert.equal(await turn.next(source, spares), undefined);
    turn.close();
  });

  test('a failure met while reading on is thrown after the batches read before it, as without reading on', async () => {
    const turn = new SourceTurn(0, true);
    const source = batchesOf([batchAt([1]), batchAt([2])], new Error('unexpected end of file'));
    const spares = new SpareBufferList();
    for (let i = 0; i < 3; i++) {
      await turn.readOn(source, spares);
    }
    assert.equal(turn.ended, true);
    assert.equal(unpackRecords((await turn.next(source, spares)) as RecordBatch)[0]?.at, 1);
    assert.equal(unpackRecords((await turn.next(source, spares)) as RecordBatch)[0]?.at, 2);
    await assert.rejects(turn.next(source, spares), /unexpected end of file/);
    turn.close();
  });
});
