/**
 * A UTC wall clock's epoch ms keeps the day's start between calls (zoned-time.ts); it must answer exactly what
 * Date.UTC answers, for any fields in any order of calls (the same day again, another day, overflowing and
 * out-of-range fields, fractions, NaN).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { wallClockToEpoch } from '../../../src/core/parse/zoned-time.js';

/** A UTC wall clock's epoch ms: what Date.UTC must answer. */
const utcFromFields = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) =>
  wallClockToEpoch('UTC', y, mo, d, h, mi, s, ms);

const field = (typical: fc.Arbitrary<number>) =>
  fc.oneof(
    { weight: 8, arbitrary: typical },
    { weight: 1, arbitrary: fc.double({ noDefaultInfinity: false }) },
    { weight: 1, arbitrary: fc.integer({ min: -100_000, max: 100_000 }) },
  );

const fields = fc.tuple(
  field(fc.integer({ min: 0, max: 3000 })),
  field(fc.integer({ min: 0, max: 13 })),
  field(fc.integer({ min: 0, max: 32 })),
  field(fc.integer({ min: 0, max: 24 })),
  field(fc.integer({ min: 0, max: 60 })),
  field(fc.integer({ min: 0, max: 61 })),
  field(fc.oneof(fc.integer({ min: 0, max: 999 }), fc.double({ min: 0, max: 1000, noNaN: true }))),
);

test('a UTC wall clock gives what Date.UTC answers, whatever came before', () => {
  fc.assert(
    fc.property(fc.array(fields, { minLength: 1, maxLength: 20 }), (calls) => {
      for (const [year, month, day, hour, minute, second, ms] of calls) {
        // The same day twice in a row, as log lines are.
        for (const m of [ms, ms + 1]) {
          const expected = Date.UTC(year, month - 1, day, hour, minute, second, m);
          const got = utcFromFields(year, month, day, hour, minute, second, m);
          assert.ok(
            Object.is(got, expected) || (got === 0 && expected === 0),
            `${[year, month, day, hour, minute, second, m]}: ${got} ≠ ${expected}`,
          );
        }
      }
    }),
    { numRuns: 2000 },
  );
  // Calls differing in one part of the day only: the day's start is not taken from the previous one.
  for (const [a, b] of [
    [
      [2026, 3, 15],
      [2026, 4, 15],
    ],
    [
      [2026, 3, 15],
      [2027, 3, 15],
    ],
    [
      [2026, 3, 15],
      [2026, 3, 16],
    ],
  ] as const) {
    for (const [y, m, d] of [a, b]) {
      assert.equal(utcFromFields(y, m, d, 10, 20, 30, 400), Date.UTC(y, m - 1, d, 10, 20, 30, 400), `${y}-${m}-${d}`);
    }
  }
  // A leap second and an hour past midnight carry into the next minute and day, as Date.UTC does.
  assert.equal(utcFromFields(2026, 12, 31, 23, 59, 60, 0), Date.UTC(2027, 0, 1));
  assert.equal(utcFromFields(2026, 2, 28, 24, 0, 0, 5), Date.UTC(2026, 2, 1, 0, 0, 0, 5));
});
