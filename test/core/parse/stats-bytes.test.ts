import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLineReader } from '../../../src/core/parse/index.js';
import { BASE, OTHER_SHAPES, otherShapeCases, statsLineCases } from './stats-line-cases.js';

/** What the reader gives for `line` by its general path, and by bytes (undefined: not taken). */
function both(line: string): { general: unknown; fast: unknown } {
  const options = { year: 2026, timeZone: 'Europe/Paris' };
  const bytes = Buffer.from(`xx${line}yy`, 'utf8');
  const fast = createLineReader(options).readWebBridgeStats(bytes, 2, bytes.length - 2);
  return { general: createLineReader(options).read(line), fast };
}

describe('Web Bridge Stats lines read from bytes', () => {
  test('give exactly what the general reader gives, or are left to it', () => {
    let taken = 0;
    let lines = 0;
    const check = (line: string) => {
      lines++;
      const { general, fast } = both(line);
      if (fast !== undefined) {
        taken++;
        assert.deepEqual(general, { kind: 'record', record: fast }, line);
      }
    };
    for (const line of statsLineCases()) {
      check(line);
    }
    // The common shapes are taken (else this path would be dead code and the test would prove nothing).
    for (const base of BASE) {
      assert.notEqual(both(base).fast, undefined, base);
    }
    assert.ok(taken > lines / 10, `${taken} of ${lines} taken`);
  });

  for (const timeZone of ['Europe/Paris', 'UTC', 'America/St_Johns']) {
    test(`of the other shapes (ISO 8601, <PRI>, RFC 5424) give what the general reader gives (${timeZone})`, () => {
      let taken = 0;
      let lines = 0;
      for (const line of otherShapeCases()) {
        lines++;
        const bytes = Buffer.from(`xx${line}yy`, 'utf8');
        const fast = createLineReader({ year: 2026, timeZone }).readWebBridgeStats(bytes, 2, bytes.length - 2);
        if (fast !== undefined) {
          taken++;
          assert.deepEqual(
            createLineReader({ year: 2026, timeZone }).read(line),
            { kind: 'record', record: fast },
            line,
          );
        }
      }
      for (const base of OTHER_SHAPES) {
        const bytes = Buffer.from(base, 'utf8');
        assert.notEqual(
          createLineReader({ year: 2026, timeZone }).readWebBridgeStats(bytes, 0, bytes.length),
          undefined,
          base,
        );
      }
      assert.ok(taken > lines / 4, `${taken} of ${lines} taken`);
    });
  }

  test('share the year of BSD stamps with the general path, line after line', () => {
    const lines = [
      'Dec 31 23:59:50.000 cms1 "webbridge": Stats 1, c:2, d:1',
      'Dec 31 23:59:55.000 <junk> cms1 "webbridge": Stats  2, c:3, d:1',
      '<14>Jan  1 00:00:05.000 cms1 "webbridge": Stats 3, c:4, d:1',
      '2026-01-01T00:00:07.000Z cms1 "webbridge": Stats 3, c:4, d:1',
      'Jan  1 00:00:10.000 cms1 "webbridge": Stats  4, c:5, d:1',
      'Jan  1 00:00:15.000 cms1 "webbridge": Stats 5, c:6, d:1',
    ];
    const general = createLineReader({ year: 2025 });
    const mixed = createLineReader({ year: 2025 });
    for (const line of lines) {
      const bytes = Buffer.from(line);
      const fast = mixed.readWebBridgeStats(bytes, 0, bytes.length);
      const outcome = fast ? { kind: 'record', record: fast } : mixed.read(line);
      assert.deepEqual(outcome, general.read(line), line);
    }
  });
});
