/**
 * Property tests: a line ruled out from its bytes (LineReader.ignoresLine, core/parse/level-line-bytes.ts) is one
 * the general path ignores, on random lines of every shape (BSD, ISO 8601 with and without zone, `<PRI>`,
 * RFC 5424, a syslog server's prefix, rsyslog and syslog-ng templates) with level words, refusal wordings in any
 * case, near misses and random edits — and a run of lines leaves the year of BSD stamps where the general path
 * leaves it. Two mutants of the fast path (a refusal wording forgotten, the stamp's year not carried on) fail it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { LineOutcome } from '../../../src/core/model.js';
import {
  createLineReader,
  DEFAULT_JOIN_REFUSED_PATTERNS,
  type LineReader,
  refusalLiterals,
} from '../../../src/core/parse/index.js';
import { LevelLineBytes } from '../../../src/core/parse/level-line-bytes.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Mostly valid clocks, and now and then fields out of range or a fraction too long. */
const validClock = fc.record({
  year: fc.constantFrom(2025, 2026),
  month: fc.constantFrom(1, 2, 6, 11, 12),
  day: fc.constantFrom(1, 9, 10, 31),
  hour: fc.constantFrom(0, 9, 23),
  minute: fc.constantFrom(0, 59),
  second: fc.constantFrom(0, 30, 60),
  fraction: fc.constantFrom('', '5', '123', '123456'),
});
const wildClock = fc.record({
  year: fc.constantFrom(2025, 2026),
  month: fc.constantFrom(1, 12, 13, 0),
  day: fc.constantFrom(1, 31, 0, 32),
  hour: fc.constantFrom(0, 23, 24),
  minute: fc.constantFrom(0, 59, 60),
  second: fc.constantFrom(0, 60, 61),
  fraction: fc.constantFrom('', '123', '1234567', '1234567891', '12345678901'),
});
const clock = fc.oneof({ weight: 4, arbitrary: validClock }, { weight: 1, arbitrary: wildClock });
type Clock = typeof clock extends fc.Arbitrary<infer T> ? T : never;

function bsd(c: Clock, fractionMark: string): string {
  const month = MONTHS[c.month - 1] ?? 'Foo';
  const fraction = c.fraction === '' ? '' : `${fractionMark}${c.fraction}`;
  return `${month} ${String(c.day).padStart(2, ' ')} ${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}${fraction}`;
}

function iso(c: Clock, separator: string, fractionMark: string, zone: string): string {
  const fraction = c.fraction === '' ? '' : `${fractionMark}${c.fraction}`;
  return `${c.year}-${pad(c.month)}-${pad(c.day)}${separator}${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}${fraction}${zone}`;
}

const SHAPES = [
  'bsd',
  'bsd-no-facility',
  'pri-bsd',
  'pri-iso',
  'iso',
  'rfc5424',
  'rfc5424-sd',
  'server-prefix',
  'no-stamp',
  'leading-space',
] as const;

/** A message carrying a level word, sometimes with what a refusal says (in any case) or a record's marker. */
const message = fc
  .record({
    level: fc.constantFrom('WARNING :', 'ERROR :', 'WARN', 'ERROR', 'INFO : WARN'),
    text: fc.constantFrom(
      'call 12: media timeout (slow response)',
      'participant "g1" left space 4',
      'Join Refused for guest 7',
      'JOIN REFUSED',
      'unable to JOIN meeting 5',
      'Unable To Join Meeting',
      'connection rejected: too many sessions',
      'Connection Rejected: Too Many Sessions',
      'connection rejected; too many sessions',
      'session limit reached (149)',
      'SESSION LIMIT REACHED',
      'session limit  reached',
      'join  refused',
      'joinrefused',
      'Stats 5, c:1, d:1',
      'Stats\t5, c:1, d:1',
      'Stats\t5',
      'STATS: {"CMA": "1/1"}',
      'StatsX',
      'stats 5',
      'User admin from 1.2.3.4:5 issued command < webbridge restart>: permission granted',
      'user admin',
      'caf\u00e9 \u2603 \u00c9RROR',
      'sess\u0131on limit reached',
      '',
    ),
    tail: fc.string({ maxLength: 12 }),
  })
  .map(({ level, text, tail }) => `${level} ${text}${tail}`);

const line = fc
  .record({
    shape: fc.constantFrom(...SHAPES),
    clock,
    fractionMark: fc.constantFrom('.', '.', ','),
    separator: fc.constantFrom('T', 'T', ' '),
    zone: fc.constantFrom('', 'Z', '+01:00', '-0530', '+1', 'z'),
    pri: fc.constantFrom('<14>', '<11>', '<191>', '<192>', '<1a>', '<>', '<1234>'),
    facility: fc.constantFrom('user.warning ', 'user.err ', 'local0.info ', ''),
    host: fc.constantFrom('cms1', 'CMS-2', 'h\u00f6st', 'user.info'),
    tag: fc.constantFrom('"webbridge": ', 'host:server: ', 'postgres[12]: ', '', ':'),
    message,
    cr: fc.constantFrom('', '', '\r'),
  })
  .map((o) => {
    const body = `${o.facility}${o.host} ${o.tag}${o.message}`;
    switch (o.shape) {
      case 'bsd':
        return `${bsd(o.clock, o.fractionMark)} ${body}${o.cr}`;
      case 'bsd-no-facility':
        return `${bsd(o.clock, o.fractionMark)} ${o.host} ${o.tag}${o.message}${o.cr}`;
      case 'pri-bsd':
        return `${o.pri}${bsd(o.clock, o.fractionMark)} ${body}${o.cr}`;
      case 'pri-iso':
        return `${o.pri}${iso(o.clock, o.separator, o.fractionMark, o.zone)} ${body}${o.cr}`;
      case 'iso':
        return `${iso(o.clock, o.separator, o.fractionMark, o.zone)} ${body}${o.cr}`;
      case 'rfc5424':
        return `${o.pri}1 ${iso(o.clock, 'T', '.', o.zone || 'Z')} ${o.host} webbridge - - - ${o.message}${o.cr}`;
      case 'rfc5424-sd':
        return `${o.pri}1 ${o.clock.hour === 24 ? '-' : iso(o.clock, 'T', '.', 'Z')} ${o.host} app 12 ID4 ${o.tag.startsWith('"') ? '[ex@1 a="x\\]"]' : o.tag.length > 4 ? '[ex@1 a="x' : '-'} ${o.message}${o.cr}`;
      case 'server-prefix':
        return `${iso(o.clock, 'T', '.', 'Z')} 10.0.0.1 ${o.pri}${bsd(o.clock, '.')} ${body}${o.cr}`;
      case 'no-stamp':
        return `${body}${o.cr}`;
      default:
        return ` ${bsd(o.clock, '.')} ${body}`;
    }
  });

/** A line with a random edit: a character replaced, inserted or removed anywhere. */
const edited = fc
  .tuple(line, fc.nat(), fc.integer({ min: 0, max: 0x2fff }), fc.constantFrom(0, 1, 2))
  .map(([l, at, code, op]) => {
    const i = at % (l.length + 1);
    const c = String.fromCharCode(code % 3 === 0 ? 32 + (code % 95) : code);
    return op === 0
      ? l.slice(0, i) + c + l.slice(i + 1)
      : op === 1
        ? l.slice(0, i) + c + l.slice(i)
        : l.slice(0, i) + l.slice(i + 1);
  });

const anyLine = fc.oneof(line, line, edited);

/** What a scan does with a level-word line: rule it out from its bytes, or read it the general way. */
type FastPath = (reader: LineReader, bytes: Uint8Array, start: number, end: number) => boolean;
const realFastPath: FastPath = (reader, bytes, start, end) => reader.ignoresLine(bytes, start, end);

const IGNORED: LineOutcome = { kind: 'ignored' };
/** Lines read after a run, whose instants show the year the reader has come to. */
const PROBES = [
  'Dec 31 23:00:00.000 user.info cms1 "webbridge": INFO : Stats 1, c:1, d:0',
  'Jan  1 01:00:00.000 user.info cms1 "webbridge": INFO : Stats 1, c:1, d:0',
];

/**
 * Reads `lines` with the general path alone and with `fast` first: every outcome and the probes afterwards must be
 * equal. Returns how many lines the fast path ruled out.
 */
function sameAnswers(lines: readonly string[], fast: FastPath, options: { year: number; referenceMonth?: number }) {
  const general = createLineReader({ ...options, timeZone: 'Europe/Berlin' });
  const mixed = createLineReader({ ...options, timeZone: 'Europe/Berlin' });
  let ruledOut = 0;
  for (const l of lines) {
    const bytes = Buffer.from(`\n${l}\n`, 'utf8');
    const expected = general.read(l);
    let got: LineOutcome;
    if (fast(mixed, bytes, 1, bytes.length - 1)) {
      ruledOut++;
      got = IGNORED;
    } else {
      got = mixed.read(l);
    }
    assert.deepEqual(got, expected, JSON.stringify(l));
  }
  for (const probe of PROBES) {
    assert.deepEqual(mixed.read(probe), general.read(probe), `year after ${JSON.stringify(lines)}`);
  }
  return ruledOut;
}

const runs = fc.record({
  lines: fc.array(anyLine, { minLength: 1, maxLength: 6 }),
  year: fc.constantFrom(2025, 2026),
  referenceMonth: fc.constantFrom(undefined, 1, 6, 12),
});

function property(fast: FastPath, counter: { ruledOut: number; lines: number }) {
  return fc.property(runs, ({ lines, year, referenceMonth }) => {
    counter.lines += lines.length;
    counter.ruledOut += sameAnswers(lines, fast, { year, ...(referenceMonth ? { referenceMonth } : {}) });
  });
}

describe('level-word lines ruled out from their bytes', () => {
  test('are exactly those the general path ignores, on every shape, and keep the year where it is', () => {
    const counter = { ruledOut: 0, lines: 0 };
    fc.assert(property(realFastPath, counter), { numRuns: 6000, seed: 17 });
    // The fast path is taken (else it would be dead code and this test would prove nothing).
    assert.ok(counter.ruledOut > counter.lines / 8, `${counter.ruledOut} of ${counter.lines} ruled out`);
  });

  test('every common shape of a WARNING line is ruled out', () => {
    const reader = createLineReader({ year: 2026 });
    for (const l of [
      'Oct  1 12:00:00.123 user.warning cms1 host:server: WARNING : call 1: media timeout',
      '<12>Oct  1 12:00:00.123 user.warning cms1 host:server: WARNING : call 1: media timeout',
      '2026-10-01T12:00:00.123 user.warning cms1 host:server: WARNING : call 1: media timeout',
      '2026-10-01T12:00:00.123456+00:00 cms1 host:server: WARNING : call 1: media timeout',
      'Oct  1 12:00:00 cms1 host:server: WARNING : call 1: media timeout',
      '2026-10-01T12:00:00+00:00 cms1 host:server: WARNING : call 1: media timeout',
      '2026-10-01T12:00:00.123Z 10.0.0.1 <12>Oct  1 12:00:00.123 user.warning cms1 host:server: WARNING : x',
      '<12>1 2026-10-01T12:00:00.123456Z cms1 host:server - - - WARNING : call 1: media timeout',
    ]) {
      const bytes = Buffer.from(l);
      assert.equal(reader.ignoresLine(bytes, 0, bytes.length), true, l);
    }
  });

  test('a mutant that forgets one refusal wording fails the property', () => {
    const literals = refusalLiterals(DEFAULT_JOIN_REFUSED_PATTERNS) as readonly string[];
    const forgetful = new LevelLineBytes(literals.filter((l) => l !== 'session limit reached'));
    const mutant: FastPath = (_reader, bytes, start, end) => forgetful.read(bytes, start, end) !== 'no';
    const result = fc.check(property(mutant, { ruledOut: 0, lines: 0 }), { numRuns: 6000, seed: 17 });
    assert.equal(result.failed, true);
  });

  test("a mutant that does not carry a BSD stamp's year on fails the property", () => {
    const levelLines = new LevelLineBytes(refusalLiterals(DEFAULT_JOIN_REFUSED_PATTERNS) as readonly string[]);
    const mutant: FastPath = (_reader, bytes, start, end) => levelLines.read(bytes, start, end) !== 'no';
    const result = fc.check(property(mutant, { ruledOut: 0, lines: 0 }), { numRuns: 6000, seed: 17 });
    assert.equal(result.failed, true);
  });

  test('custom refusal patterns that are more than literals rule nothing out', () => {
    assert.equal(refusalLiterals([/join refused/i, /too many \w+/i]), undefined);
    assert.equal(refusalLiterals([/Join Refused/]), undefined);
    const reader = createLineReader({ year: 2026, joinRefusedPatterns: [/rejected .* sessions/i] });
    const bytes = Buffer.from('Oct  1 12:00:00.123 user.warning cms1 host:server: WARNING : call 1');
    assert.equal(reader.ignoresLine(bytes, 0, bytes.length), false);
  });
});
