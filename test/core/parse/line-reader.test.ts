import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { CmsRecord } from '../../../src/core/model.js';
import {
  compileJoinRefusedPatterns,
  createLineReader,
  isCandidateLine,
  parseEnvelope,
  yearOfStamp,
} from '../../../src/core/parse/index.js';

interface Case {
  source: string;
  line: string;
  tz?: string;
  year?: number;
  envelope?: Record<string, unknown>;
  record?: Record<string, unknown>;
  ignored?: boolean;
  malformed?: boolean;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/syslog/cms-lines.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('fixture lines in every format', () => {
  for (const c of fixture.cases) {
    test(c.source, () => {
      const reader = createLineReader({ year: c.year ?? 2026, timeZone: c.tz ?? 'UTC' });
      const out = reader.read(c.line);
      if (c.malformed) {
        assert.equal(out.kind, 'malformed', JSON.stringify(out));
        return;
      }
      if (c.ignored) {
        assert.equal(out.kind, 'ignored', JSON.stringify(out));
      }
      if (c.envelope) {
        const env = parseEnvelope(c.line, c.tz ?? 'UTC', (s) =>
          Date.UTC(c.year ?? 2026, s.month - 1, s.day, s.hour, s.minute, s.second, s.ms),
        );
        assert.ok(env.ok, JSON.stringify(env));
        const e = env.envelope;
        const got: Record<string, unknown> = {
          at: e.timestampMs === undefined ? undefined : new Date(e.timestampMs).toISOString(),
          host: e.host,
          tag: e.tag,
          pri: e.pri,
          facility: e.facility,
          severity: e.severity,
        };
        for (const [k, v] of Object.entries(c.envelope)) {
          if (k === 'at' && c.tz) {
            continue; // parseEnvelope's BSD resolver above ignores the zone; the reader's record checks it
          }
          assert.equal(got[k], v, `envelope.${k}`);
        }
      }
      if (c.record) {
        assert.equal(out.kind, 'record', JSON.stringify(out));
        const record = (out as { record: CmsRecord }).record;
        for (const [k, v] of Object.entries(c.record)) {
          assert.equal((record as unknown as Record<string, unknown>)[k], v, `record.${k}`);
        }
        if (c.envelope?.at) {
          assert.equal(new Date(record.at).toISOString(), c.envelope.at);
        }
        if (c.envelope?.host) {
          assert.equal(record.host, c.envelope.host);
        }
        assert.ok(isCandidateLine(c.line), 'every record line passes the cheap pre-filter');
      }
    });
  }
});

describe('line reader', () => {
  test('keeps every key of the Call Bridge STATS JSON, known or not', () => {
    const out = createLineReader({ year: 2026 }).read(
      'Feb 23 09:02:21.594 user.info cms1 host:server: INFO : STATS: {"callLegsPS": 1, "CMA": "14/17", "future": {"x": 1}}',
    );
    assert.equal(out.kind, 'record');
    const r = (out as { record: CmsRecord }).record;
    assert.equal(r.kind, 'callbridge-stats');
    assert.deepEqual(r.kind === 'callbridge-stats' ? r.raw : undefined, {
      callLegsPS: 1,
      CMA: '14/17',
      future: { x: 1 },
    });
  });

  test('BSD stamps roll over from December to January', () => {
    const reader = createLineReader({ year: 2025 });
    const at = (line: string) => {
      const o = reader.read(line);
      assert.equal(o.kind, 'record');
      return new Date((o as { record: CmsRecord }).record.at).toISOString();
    };
    assert.equal(at('Dec 31 23:59:50.000 user.info cms1 webbridge: Stats 1, c:1, d:0'), '2025-12-31T23:59:50.000Z');
    assert.equal(at('Jan  1 00:00:00.000 user.info cms1 webbridge: Stats 1, c:1, d:0'), '2026-01-01T00:00:00.000Z');
    assert.equal(at('Jan  1 00:00:10.000 user.info cms1 webbridge: Stats 1, c:1, d:0'), '2026-01-01T00:00:10.000Z');
  });

  test('a reader started where another stopped (its year state) reads on as the one reader; its first stamp is told', () => {
    const lines = [
      'Dec 31 23:59:50.000 user.info cms1 webbridge: Stats 1, c:1, d:0',
      'Jan  1 00:00:00.000 user.info cms1 webbridge: Stats 1, c:1, d:0',
      'Dec 31 23:59:59.000 user.info cms1 webbridge: Stats 1, c:1, d:0',
      'Jan  1 00:00:10.000 user.info cms1 webbridge: Stats 1, c:1, d:0',
    ];
    const at = (reader: ReturnType<typeof createLineReader>, line: string) =>
      (reader.read(line) as { record: CmsRecord }).record.at;
    const one = createLineReader({ year: 2026, referenceMonth: 1 });
    const expected = lines.map((l) => at(one, l));
    assert.equal(new Date(expected[1] as number).getUTCFullYear(), 2026);
    for (let cut = 1; cut < lines.length; cut++) {
      const first = createLineReader({ year: 2026, referenceMonth: 1 });
      const head = lines.slice(0, cut).map((l) => at(first, l));
      const second = createLineReader({ year: 2026, referenceMonth: 1, yearState: first.yearState() });
      assert.equal(second.firstStamp(), undefined);
      const tail = lines.slice(cut).map((l) => at(second, l));
      assert.deepEqual([...head, ...tail], expected, `cut before line ${cut}`);
      const month = cut % 2 === 1 ? 1 : 12;
      assert.deepEqual(second.firstStamp(), { month, year: new Date(expected[cut] as number).getUTCFullYear() });
    }
    // A December line after January reads as the next December, and the January after it as the year after.
    assert.deepEqual(one.yearState(), { year: 2027, lastMonth: 1 });
  });

  test('yearOfStamp: the wrap from December to January, and a first stamp after the reference month', () => {
    assert.equal(yearOfStamp({ year: 2026, lastMonth: 12 }, 1, undefined), 2027);
    assert.equal(yearOfStamp({ year: 2026, lastMonth: 11 }, 2, undefined), 2027);
    assert.equal(yearOfStamp({ year: 2026, lastMonth: 10 }, 1, undefined), 2026, 'not a wrap: a gap');
    assert.equal(yearOfStamp({ year: 2026, lastMonth: 12 }, 12, undefined), 2026);
    assert.equal(yearOfStamp({ year: 2026, lastMonth: 0 }, 12, 1), 2025);
    assert.equal(yearOfStamp({ year: 2026, lastMonth: 0 }, 1, 1), 2026);
    assert.equal(yearOfStamp({ year: 2026, lastMonth: 3 }, 12, 1), 2026, 'the reference month only for a first stamp');
  });

  test('a first stamp later in the year than the file time belongs to the year before', () => {
    const reader = createLineReader({ year: 2026, referenceMonth: 1 });
    const o = reader.read('Dec 30 10:00:00 user.info cms1 webbridge: Stats 1, c:1, d:0');
    assert.equal(new Date((o as { record: CmsRecord }).record.at).toISOString(), '2025-12-30T10:00:00.000Z');
  });

  test('zone-less stamps in a DST zone: before and after the spring change', () => {
    const reader = createLineReader({ year: 2026, timeZone: 'Europe/Berlin' });
    const iso = (line: string) => new Date((reader.read(line) as { record: CmsRecord }).record.at).toISOString();
    assert.equal(iso('2026-03-29T01:30:00 cms1 webbridge: Stats 1, c:1, d:0'), '2026-03-29T00:30:00.000Z');
    assert.equal(iso('2026-03-29T03:30:00 cms1 webbridge: Stats 1, c:1, d:0'), '2026-03-29T01:30:00.000Z');
    assert.equal(iso('2026-10-25T04:00:00 cms1 webbridge: Stats 1, c:1, d:0'), '2026-10-25T03:00:00.000Z');
  });

  test('a configured join refusal replaces the assumed one: its patterns, at its levels (none: any line)', () => {
    const atError = createLineReader({
      year: 2026,
      joinRefusal: { patterns: compileJoinRefusedPatterns(['capacity exceeded']), levels: ['ERROR', 'WARN'] },
    });
    assert.equal(atError.read('Feb 23 09:02:21 cms1 webbridge: ERROR : Capacity exceeded').kind, 'record');
    assert.equal(atError.read('Feb 23 09:02:21 cms1 webbridge: INFO : capacity exceeded').kind, 'ignored');
    assert.equal(
      atError.read('Feb 23 09:02:21 cms1 webbridge: ERROR : join refused: session limit reached (149)').kind,
      'ignored',
    );
    const anyLine = createLineReader({
      year: 2026,
      joinRefusal: { patterns: compileJoinRefusedPatterns(['capacity exceeded']), levels: [] },
    });
    assert.equal(anyLine.read('Feb 23 09:02:21 cms1 webbridge: INFO : capacity exceeded').kind, 'record');
    const defaults = createLineReader({ year: 2026 });
    assert.equal(
      defaults.read('Feb 23 09:02:21 cms1 webbridge: ERROR : join refused: session limit reached (149)').kind,
      'record',
    );
    assert.equal(defaults.read('Feb 23 09:02:21 cms1 webbridge: INFO : join refused').kind, 'ignored');
  });

  test('CRLF line endings are tolerated', () => {
    assert.equal(
      createLineReader({ year: 2026 }).read('Feb 23 09:02:21 cms1 webbridge: Stats 1, c:1, d:0\r').kind,
      'record',
    );
  });

  test('an overlong line is malformed, not parsed', () => {
    const out = createLineReader({ year: 2026 }).read(
      `Feb 23 09:02:21 cms1 webbridge: Stats 1, c:1, d:0 ${'x'.repeat(1_000_000)}`,
    );
    assert.deepEqual(out, { kind: 'malformed', reason: 'line too long' });
  });

  test('ordinary chatter without a readable envelope is malformed only by envelope, not fatal', () => {
    const out = createLineReader({ year: 2026 }).read('\u0000\u0001 binary junk');
    assert.equal(out.kind, 'malformed');
  });
});
