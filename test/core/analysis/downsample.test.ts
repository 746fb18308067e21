/**
 * Down-sampling for charts: bounded size, time order, and every bucket's extremes kept (a peak at the limit and the
 * drop after a restart survive).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { downsample } from '../../../src/core/analysis/index.js';

test('a small series is returned as it is', () => {
  const s = { t: [1, 2, 3], v: [5, 6, 7] };
  assert.equal(downsample(s, 10), s);
});

test('a month of minute points keeps the one peak at the limit and the one drop to zero', () => {
  const n = 30 * 1440;
  const t = Array.from({ length: n }, (_, i) => i * 60_000);
  const v = t.map((_, i) => (i === 12_345 ? 149 : i === 30_000 ? 0 : 50 + (i % 7)));
  const d = downsample({ t, v }, 1000);
  assert.ok(d.t.length <= 1000 && d.t.length >= 900, String(d.t.length));
  assert.ok(d.v.includes(149) && d.v.includes(0));
  assert.equal(d.t[d.v.indexOf(149)], 12_345 * 60_000);
});

test('property: at most maxPoints, times ascending, each point one of the input, max and min kept', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 200 })), {
        minLength: 1,
        maxLength: 400,
      }),
      fc.integer({ min: 2, max: 50 }),
      (pairs, max) => {
        const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
        const s = { t: sorted.map((p) => p[0]), v: sorted.map((p) => p[1]) };
        const d = downsample(s, max);
        assert.ok(d.t.length <= max);
        for (let i = 1; i < d.t.length; i++) {
          assert.ok((d.t[i] as number) >= (d.t[i - 1] as number));
        }
        const input = new Set(sorted.map((p) => `${p[0]}:${p[1]}`));
        d.t.forEach((tt, i) => {
          assert.ok(input.has(`${tt}:${d.v[i]}`));
        });
        assert.equal(Math.max(...d.v), Math.max(...s.v));
        assert.equal(Math.min(...d.v), Math.min(...s.v));
      },
    ),
    { seed: 6, numRuns: 300 },
  );
});
