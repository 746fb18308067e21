import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inBlackout, insideWindow, nextAllowedAt } from '../../../src/core/policy/index.js';

const at = (iso: string) => Date.parse(iso);

test('weekly windows in a time zone, including DST and over midnight', () => {
  const sat = [{ days: ['sat', 'sun'] as const, from: '01:00', to: '05:00', tz: 'Europe/Berlin' }];
  assert.equal(insideWindow(at('2026-11-21T00:30:00Z'), sat), true, 'Sat 01:30 Berlin (UTC+1)');
  assert.equal(insideWindow(at('2026-11-21T04:30:00Z'), sat), false, 'Sat 05:30 Berlin');
  assert.equal(insideWindow(at('2026-11-20T00:30:00Z'), sat), false, 'a Friday');
  assert.equal(insideWindow(at('2026-07-18T23:30:00Z'), sat), true, 'Sun 01:30 Berlin in summer (UTC+2)');
  const night = [{ days: ['fri'] as const, from: '22:00', to: '02:00', tz: 'UTC' }];
  assert.equal(insideWindow(at('2026-11-20T23:00:00Z'), night), true, 'Friday evening');
  assert.equal(insideWindow(at('2026-11-21T01:30:00Z'), night), true, 'the Saturday morning after');
  assert.equal(insideWindow(at('2026-11-21T23:00:00Z'), night), false, 'Saturday evening');
  assert.equal(insideWindow(at('2026-11-21T03:00:00Z'), []), true, 'no window: always open');
});

test('blackout dates, in the window zone', () => {
  assert.equal(inBlackout(at('2026-12-24T10:00:00Z'), ['2026-12-24']), true);
  assert.equal(
    inBlackout(at('2026-12-23T23:30:00Z'), ['2026-12-24'], 'Europe/Berlin'),
    true,
    'already the 24th in Berlin',
  );
  assert.equal(inBlackout(at('2026-12-25T10:00:00Z'), ['2026-12-24']), false);
  assert.equal(inBlackout(at('2026-12-25T10:00:00Z'), []), false);
});

describe('next allowed instant', () => {
  const sat0200 = Date.UTC(2026, 10, 28, 2, 0, 0); // Saturday 28 Nov 2026, 02:00 UTC
  const win = [{ days: ['sat' as const], from: '02:00', to: '04:00', tz: 'UTC' }];

  test('now when allowed, else the next opening on a whole minute', () => {
    assert.equal(nextAllowedAt(sat0200 + 60_000, win, []), sat0200 + 60_000);
    assert.equal(nextAllowedAt(sat0200 - 3 * 86_400_000 + 12_345, win, []), sat0200);
    assert.equal(nextAllowedAt(sat0200 + 2 * 3_600_000, win, []), sat0200 + 7 * 86_400_000);
  });

  test('a blackout date pushes it a week; a zone moves it; nothing within the horizon is null', () => {
    assert.equal(nextAllowedAt(sat0200 - 86_400_000, win, ['2026-11-28']), sat0200 + 7 * 86_400_000);
    const paris = [{ days: ['sat' as const], from: '02:00', to: '04:00', tz: 'Europe/Paris' }];
    assert.equal(nextAllowedAt(sat0200 - 86_400_000, paris, [], 'Europe/Paris'), sat0200 - 3_600_000);
    assert.equal(nextAllowedAt(sat0200 - 86_400_000, win, ['2026-11-28', '2026-12-05']), null);
    assert.equal(nextAllowedAt(sat0200 - 86_400_000, [], []), sat0200 - 86_400_000, 'no window: any time');
  });
});
