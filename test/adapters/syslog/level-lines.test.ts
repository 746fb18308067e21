/**
 * LevelLines (wanted-frames.ts): of messages holding a level word, those saying what a refusal says (any ASCII case)
 * or holding the Stats marker, asked in order over one buffer as the listeners ask — against the rule written out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LevelLines } from '../../../src/adapters/syslog/wanted-frames.js';
import { DEFAULT_LEVEL_LINE_RULE, type LevelLineRule } from '../../../src/core/parse/index.js';

// The daemon's rule: the default refusal patterns are literals, so there is one.
const RULE = DEFAULT_LEVEL_LINE_RULE as LevelLineRule;
const WORDINGS = RULE.wordings;

/** The rule written out; with no levels (a refusal in any line), every message holds one. */
function byRule(message: string, rule: LevelLineRule = RULE): boolean {
  const lower = message.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const wording = rule.wordings.some((w) => lower.includes(w));
  const level = rule.levels.length === 0 || rule.levels.some((l) => message.includes(l));
  return level && (message.includes(rule.marker) || wording);
}

/** A word in a random ASCII case. */
const anyCase = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((up) => [...word].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));

const piece = fc.oneof(
  fc.constantFrom('ERROR', 'WARN', 'WARNING', 'Error', 'warn', 'Stats', 'stats', 'STATS', 'Stat', ' : ', 'é', 'ß'),
  fc.constantFrom(...WORDINGS).chain(anyCase),
  fc.constantFrom(...WORDINGS).map((w) => w.slice(0, -1)),
  fc.string({ maxLength: 12 }),
);
const message = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));

test('LevelLines agrees with the rule for messages asked in order in one buffer', () => {
  fc.assert(
    fc.property(fc.array(message, { minLength: 1, maxLength: 30 }), (messages) => {
      const bytes = Buffer.from(messages.join('\n'), 'utf8');
      const lines = new LevelLines(RULE);
      let start = 0;
      for (const m of messages) {
        const end = start + Buffer.byteLength(m);
        assert.equal(lines.wanted(bytes, start, end), byRule(m), JSON.stringify(m));
        start = end + 1;
      }
    }),
    { numRuns: 500 },
  );
});

test('LevelLines agrees with any rule: other levels, none, other wordings', () => {
  fc.assert(
    fc.property(
      fc.array(message, { minLength: 1, maxLength: 30 }),
      fc.constantFrom<readonly string[]>([], ['ERROR'], ['WARN', 'NOTICE']),
      fc.subarray([...WORDINGS, 'too many guests', 'rror'], { maxLength: 3 }),
      (messages, levels, wordings) => {
        const rule: LevelLineRule = { levels, wordings, marker: 'Stats' };
        const bytes = Buffer.from(messages.join('\n'), 'utf8');
        const lines = new LevelLines(rule);
        let start = 0;
        for (const m of messages) {
          const end = start + Buffer.byteLength(m);
          assert.equal(lines.wanted(bytes, start, end), byRule(m, rule), JSON.stringify([m, rule]));
          start = end + 1;
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("the daemon's rule: level words as they are, the Stats marker, the default refusal wordings", () => {
  assert.deepEqual(RULE, {
    levels: ['ERROR', 'WARN'],
    wordings: [
      'join refused',
      'unable to join meeting',
      'connection rejected: too many sessions',
      'session limit reached',
    ],
    marker: 'Stats',
  });
});

test('a WARNING line saying nothing of a refusal is not wanted; one saying it in capitals is', () => {
  const lines = new LevelLines(RULE);
  const a = Buffer.from('Nov 20 09:00:00 cms1 host:server: WARNING : call 5: media jitter above threshold');
  assert.equal(lines.wanted(a, 0, a.length), false);
  const b = Buffer.from('Nov 20 09:00:00 cms1 "webbridge": ERROR : JOIN REFUSED: SESSION LIMIT REACHED (149)');
  assert.equal(new LevelLines(RULE).wanted(b, 0, b.length), true);
  const c = Buffer.from('Nov 20 09:00:00 cms1 "webbridge": INFO : join refused');
  assert.equal(new LevelLines(RULE).wanted(c, 0, c.length), false, 'no level word');
});
