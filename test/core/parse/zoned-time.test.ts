/**
 * Wall-clock stamps read in a time zone: wallClockToEpoch keeps, per zone and hour of wall-clock time, the offset of
 * hours away from DST changes; its answers must be those worked out every time (zonedFromWallClock), for every
 * stamp of a year, in zones whose changes are of an hour, of half an hour, or at odd minutes, in any order of calls.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wallClockToEpoch, zonedFromWallClock } from '../../../src/core/parse/zoned-time.js';

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe', // DST of half an hour
  'Pacific/Chatham', // +12:45 / +13:45
  'America/St_Johns', // -03:30, changes at 02:00 local
  'Asia/Kolkata', // +05:30, no DST
  'Asia/Kathmandu', // +05:45
];

/** Stamps of 2026 every 20 minutes (and 7.123 s past), then every 5 minutes from 00:00 to 04:00 (the changes). */
function stamps(): Array<[number, number, number, number, number, number, number]> {
  const out: Array<[number, number, number, number, number, number, number]> = [];
  for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 20 * 60_000) {
    const d = new Date(t + 7_123);
    out.push([2026, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), 7, 123]);
  }
  for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += 86_400_000) {
    for (let m = 0; m <= 240; m += 5) {
      const d = new Date(day + m * 60_000);
      out.push([2026, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), 59, 999]);
    }
  }
  return out;
}

test('a zone-less stamp gets the instant worked out every time, whatever hour was read before (the per-hour cache)', () => {
  const all = stamps();
  for (const zone of ZONES) {
    // Forward, then backward: each hour's cache is filled by another stamp of it than the one asked.
    for (const order of [all, [...all].reverse()]) {
      for (const [y, mo, d, h, mi, s, ms] of order) {
        const expected = zonedFromWallClock(zone, Date.UTC(y, mo - 1, d, h, mi, s, ms));
        const got = wallClockToEpoch(zone, y, mo, d, h, mi, s, ms);
        if (got !== expected) {
          assert.equal(got, expected, `${zone} ${y}-${mo}-${d} ${h}:${mi}:${s}.${ms}`);
        }
      }
    }
  }
});

test('a DST change is read as before the cache: the repeated hour takes its first instant, the skipped one the old offset', () => {
  // Berlin, 2026-10-25: 02:30 happens twice (CEST, then CET): the first, 00:30 UTC.
  assert.equal(wallClockToEpoch('Europe/Berlin', 2026, 10, 25, 2, 30, 0, 0), Date.UTC(2026, 9, 25, 0, 30));
  // Berlin, 2026-03-29: 02:30 does not exist; read with the offset before the change (+1 h): 01:30 UTC.
  assert.equal(wallClockToEpoch('Europe/Berlin', 2026, 3, 29, 2, 30, 0, 0), Date.UTC(2026, 2, 29, 1, 30));
  // An ordinary hour, asked twice (the second from the cache).
  for (let i = 0; i < 2; i++) {
    assert.equal(wallClockToEpoch('Europe/Berlin', 2026, 7, 1, 12, 0, 0, 0), Date.UTC(2026, 6, 1, 10, 0));
  }
});
