/**
 * The sources a merge holds at once (held-at-once.ts), by which the scan pool sizes batches and read-ahead: those
 * reached by a time and not finished, those not known yet, and the next ones the merge reaches.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeldAtOnce } from '../../../src/app/analyze/held-at-once.js';
import { batchRecordsFor, readAheadFor, readRecordsFor, sizingFor } from '../../../src/app/analyze/worker-protocol.js';

test('a source is held from its first record on, and until then only while its first record is unknown', () => {
  const held = new HeldAtOnce<string>();
  const a = held.open('a');
  const b = held.open('b');
  assert.equal(held.at(0), 2, 'not known yet: counted as held');
  a.firstAt(100);
  b.firstAt(300);
  assert.equal(held.at(99), 0);
  assert.equal(held.at(100), 1, 'at its first record');
  assert.equal(held.at(299), 1);
  assert.equal(held.at(300), 2);
  a.done();
  assert.equal(held.at(1000), 1, 'finished: held no more');
  b.done();
  assert.equal(held.at(1000), 0);
});

test('a source finished before its first record was known is held no more; a second first time changes nothing', () => {
  const held = new HeldAtOnce<string>();
  const empty = held.open('empty');
  const c = held.open('c');
  empty.done();
  empty.done();
  assert.equal(held.at(0), 1);
  c.firstAt(50);
  c.firstAt(10);
  c.firstAt(Number.NaN);
  assert.equal(held.at(49), 0, 'its first time stays the first one told');
  assert.equal(held.at(50), 1);
  c.done();
  c.firstAt(5);
  assert.equal(held.at(1000), 0, 'a time told after its end is not counted');
});

test('sources sharing a first time: each is taken out as it finishes, and no other', () => {
  const held = new HeldAtOnce<string>();
  const sources = ['x', 'y', 'z'].map((name) => held.open(name));
  for (const s of sources) {
    s.firstAt(7);
  }
  const later = held.open('later');
  later.firstAt(9);
  (sources[1] as ReturnType<typeof held.open>).done();
  assert.equal(held.at(7), 2);
  assert.deepEqual(held.next(7, 5), ['later'], 'the one left after time 7');
  (sources[0] as ReturnType<typeof held.open>).done();
  (sources[2] as ReturnType<typeof held.open>).done();
  assert.equal(held.at(8), 0);
  assert.equal(held.at(9), 1);
});

test('the next sources the merge reaches: after the time, by first record, at most as many as asked', () => {
  const held = new HeldAtOnce<string>();
  // Opened out of their time order, as a folder's listing gives rotated pieces (`log.10` before `log.2`).
  const firsts: Array<[string, number]> = [
    ['day10', 1000],
    ['day2', 200],
    ['day3', 300],
    ['day1', 100],
    ['day4', 400],
  ];
  const opened = new Map(firsts.map(([name, at]) => [name, { source: held.open(name), at }]));
  for (const { source, at } of opened.values()) {
    source.firstAt(at);
  }
  assert.deepEqual(held.next(150, 2), ['day2', 'day3']);
  assert.deepEqual(held.next(100, 10), ['day2', 'day3', 'day4', 'day10']);
  assert.deepEqual(held.next(1000, 2), [], 'none after the last');
  opened.get('day2')?.source.done();
  assert.deepEqual(held.next(150, 2), ['day3', 'day4'], 'a finished one is not among them');
  assert.equal(held.at(350), 2, 'day1 and day3 (day2 finished)');
});

test('sizes for the sources held are those the protocol gives that many sources', () => {
  for (const held of [1, 2, 5, 16, 17, 150, 1000]) {
    for (const dense of [false, true]) {
      assert.deepEqual(sizingFor(held, dense), {
        readAhead: readAheadFor(held, dense),
        batchRecords: batchRecordsFor(held),
        readRecords: readRecordsFor(held),
      });
    }
  }
});
