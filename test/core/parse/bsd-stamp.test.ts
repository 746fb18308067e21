/**
 * readBsdStamp reads stamps by hand for speed; here it is held to the sticky regex it replaced, over stamps mutated
 * at every position (other digits, letters, spaces, dots, colons; characters dropped and doubled) and read at offsets.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BSD_STAMP_PATTERN, readBsdStamp } from '../../../src/core/parse/timestamp.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The former implementation: the regex, then the month table, the clock check and the fraction's first 3 digits. */
function byRegex(line: string, pos: number) {
  const re = new RegExp(BSD_STAMP_PATTERN.source, 'y');
  re.lastIndex = pos;
  const m = re.exec(line);
  if (!m) {
    return undefined;
  }
  const month = MONTHS.indexOf(m[1] as string) + 1;
  const [day, hour, minute, second] = [m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number];
  if (month === 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }
  const ms = m[6] ? Number(`${m[6]}000`.slice(0, 3)) : 0;
  return { month, day, hour, minute, second, ms, end: re.lastIndex };
}

const BASES = [
  'Jun  8 14:53:18.149 user.info cms1 x',
  'Dec 31 23:59:60 host',
  'Feb 23 09:02:21.594',
  'Oct  1 00:00:00.0 a',
  'Mar 10 10:10:10.123456 b',
  'Apr 1 01:02:03.1234567 c',
  'Sep 31 24:00:00 d',
  'Jan 00 00:00:00 e',
  'jun 08 14:53:18 f',
  'Jul   8 14:53:18 g',
  'Aug 123 14:53:18 h',
  'Nov 12 1:02:03 i',
  'May 12 01:02:03.',
  'May 12 01:02:03.x',
  'May 12 01:02:03x',
];
const SUBSTITUTES = ['0', '9', '5', ' ', '.', ':', 'a', 'Z', '\t', '1'];

function variants(base: string): string[] {
  const out = [base, `<13>${base}`, `  ${base}`];
  for (let i = 0; i < base.length && i < 24; i++) {
    for (const c of SUBSTITUTES) {
      out.push(base.slice(0, i) + c + base.slice(i + 1));
    }
    out.push(base.slice(0, i) + base.slice(i + 1));
    out.push(base.slice(0, i) + base[i] + base.slice(i));
  }
  for (let cut = 0; cut <= Math.min(base.length, 26); cut++) {
    out.push(base.slice(0, cut));
  }
  return out;
}

describe('readBsdStamp', () => {
  test('agrees with the sticky regex it replaced, at every offset of every variant', () => {
    let accepted = 0;
    let checked = 0;
    for (const base of BASES) {
      for (const line of variants(base)) {
        for (const pos of [0, 1, 2, 4]) {
          const want = byRegex(line, pos);
          assert.deepEqual(readBsdStamp(line, pos), want, JSON.stringify({ line, pos }));
          checked++;
          accepted += want ? 1 : 0;
        }
      }
    }
    // The variants must exercise both outcomes, or the comparison proves little.
    assert.ok(accepted > 200, `accepted ${accepted} of ${checked}`);
    assert.ok(checked - accepted > 2000, `refused ${checked - accepted} of ${checked}`);
  });

  test('fractions: first three digits are milliseconds, up to six digits, then a space or the end', () => {
    assert.equal(readBsdStamp('Jun  8 14:53:18.5', 0)?.ms, 500);
    assert.equal(readBsdStamp('Jun  8 14:53:18.05 x', 0)?.ms, 50);
    assert.equal(readBsdStamp('Jun  8 14:53:18.123456 x', 0)?.ms, 123);
    assert.equal(readBsdStamp('Jun  8 14:53:18.1234567 x', 0), undefined);
    assert.equal(readBsdStamp('Jun  8 14:53:18.123', 0)?.end, 19);
  });
});
