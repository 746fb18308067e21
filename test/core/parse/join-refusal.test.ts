import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  compileJoinRefusedPatterns,
  DEFAULT_JOIN_REFUSED_PATTERN_SOURCES,
  DEFAULT_LEVEL_LINE_RULE,
  isJoinRefusal,
  levelLineRuleFor,
  refusalLiterals,
  requiredLiteral,
  requiredLiterals,
} from '../../../src/core/parse/index.js';

/** A small regular expression grammar, rendered to a source and to a string it matches. */
type Node =
  | { kind: 'char'; c: string }
  | { kind: 'escaped'; c: string }
  | { kind: 'any' }
  | { kind: 'digit' }
  | { kind: 'space' }
  | { kind: 'class'; chars: string }
  | { kind: 'group'; branches: Node[][] }
  | { kind: 'repeat'; node: Node; q: '?' | '*' | '+' | '{2}' | '{0,2}' };

const LETTERS = 'aAbBjJoOiInN :-_,';
const char = fc.constantFrom(...LETTERS.split('')).map((c): Node => ({ kind: 'char', c }));
const escaped = fc.constantFrom('.', '(', ')', '[', '*', '+', '?', '/', '|').map((c): Node => ({ kind: 'escaped', c }));
const atom = fc.oneof(
  { weight: 8, arbitrary: char },
  { weight: 1, arbitrary: escaped },
  { weight: 1, arbitrary: fc.constant<Node>({ kind: 'any' }) },
  { weight: 1, arbitrary: fc.constant<Node>({ kind: 'digit' }) },
  { weight: 1, arbitrary: fc.constant<Node>({ kind: 'space' }) },
  { weight: 1, arbitrary: fc.constantFrom('ab', 'xyz', '0-9').map((chars): Node => ({ kind: 'class', chars })) },
);
const { node } = fc.letrec<{ node: Node; sequence: Node[] }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: atom },
    {
      weight: 1,
      arbitrary: fc
        .array(tie('sequence') as fc.Arbitrary<Node[]>, { minLength: 1, maxLength: 3 })
        .map((branches): Node => ({ kind: 'group', branches })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(atom, fc.constantFrom<'?' | '*' | '+' | '{2}' | '{0,2}'>('?', '*', '+', '{2}', '{0,2}'))
        .map(([n, q]): Node => ({ kind: 'repeat', node: n, q })),
    },
  ),
  sequence: fc.array(tie('node') as fc.Arbitrary<Node>, { minLength: 0, maxLength: 4 }),
}));
/** Branches of a top-level alternation (one, mostly). */
const pattern = fc.array(fc.array(node, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 2 });

function source(nodes: readonly Node[]): string {
  return nodes.map(render).join('');
}

function render(n: Node): string {
  switch (n.kind) {
    case 'char':
      return n.c;
    case 'escaped':
      return `\\${n.c}`;
    case 'any':
      return '.';
    case 'digit':
      return '\\d';
    case 'space':
      return '\\s';
    case 'class':
      return `[${n.chars}]`;
    case 'group':
      return `(${n.branches.map(source).join('|')})`;
    case 'repeat':
      return `${render(n.node)}${n.q}`;
  }
}

/** One string the nodes match, each choice made by `pick` (case flipped at random: the patterns ignore case). */
function matching(nodes: readonly Node[], pick: () => number): string {
  return nodes.map((n) => sample(n, pick)).join('');
}

function sample(n: Node, pick: () => number): string {
  switch (n.kind) {
    case 'char':
    case 'escaped':
      return pick() % 2 === 0 ? n.c.toUpperCase() : n.c.toLowerCase();
    case 'any':
      return 'xQ:'.charAt(pick() % 3);
    case 'digit':
      return String(pick() % 10);
    case 'space':
      return ' ';
    case 'class':
      return n.chars === '0-9' ? '7' : n.chars.charAt(pick() % n.chars.length);
    case 'group':
      return matching(n.branches[pick() % n.branches.length] as Node[], pick);
    case 'repeat': {
      const times = { '?': pick() % 2, '*': pick() % 3, '+': 1 + (pick() % 2), '{2}': 2, '{0,2}': pick() % 3 }[n.q];
      return Array.from({ length: times }, () => sample(n.node, pick)).join('');
    }
  }
}

describe('join refusal', () => {
  test('the required literal of the default wordings is each wording', () => {
    assert.deepEqual(refusalLiterals(compileJoinRefusedPatterns(DEFAULT_JOIN_REFUSED_PATTERN_SOURCES)), [
      'join refused',
      'unable to join meeting',
      'connection rejected: too many sessions',
      'session limit reached',
    ]);
    assert.deepEqual(DEFAULT_LEVEL_LINE_RULE?.wordings, DEFAULT_JOIN_REFUSED_PATTERN_SOURCES);
  });

  test('the required literal of patterns with classes, groups, quantifiers and escapes', () => {
    const cases: Array<[string, string | undefined]> = [
      ['join refused \\(\\d+\\)', 'join refused ('],
      ['Participant limit \\d+ reached', 'participant limit '],
      ['^WebRTC: too many calls$', 'webrtc: too many calls'],
      ['calls? rejected', ' rejected'],
      ['limit (of )?reached', 'reached'],
      ['max(imum)? sessions', ' sessions'],
      ['a\\x41bcdef', 'bcdef'],
      ['ab\\u0041xyz', 'xyz'],
      ['session\\s+limit', 'session'],
      ['refused|rejected', undefined],
      ['(refused|rejected)', undefined],
      ['[a-z]+', undefined],
      ['sessions{2}x', 'session'],
      ['a/b\\.c', 'a/b.c'],
      ['(\\w+) (\\1) refused', ' refused'],
      ['über limit', 'ber limit'],
    ];
    for (const [pattern, literal] of cases) {
      assert.equal(requiredLiteral(new RegExp(pattern, 'i').source), literal, pattern);
    }
  });

  test('property: every string a pattern matches holds its required literal, in some case', () => {
    fc.assert(
      fc.property(pattern, fc.array(fc.nat(), { minLength: 64, maxLength: 64 }), (nodes, choices) => {
        const src = nodes.map(source).join('|');
        let re: RegExp;
        try {
          re = new RegExp(src, 'i');
        } catch {
          return; // the grammar can write `a{2}?`-like sources a parser refuses: not a pattern anyone configures
        }
        let k = 0;
        const pick = () => choices[k++ % choices.length] as number;
        const text = matching(nodes[pick() % nodes.length] as Node[], pick);
        assert.ok(re.test(text), `the generator's string matches ${src}: ${JSON.stringify(text)}`);
        const literal = requiredLiteral(re.source);
        if (literal !== undefined) {
          assert.ok(text.toLowerCase().includes(literal), `${JSON.stringify(text)} holds ${JSON.stringify(literal)}`);
        }
        const anyOf = requiredLiterals(re.source);
        if (anyOf !== undefined) {
          assert.ok(
            anyOf.some((l) => text.toLowerCase().includes(l)),
            `${JSON.stringify(text)} holds one of ${JSON.stringify(anyOf)}`,
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('a pattern matched with case (no i flag), or with u, gives no wordings: every level line is read', () => {
    assert.equal(refusalLiterals([/join refused/]), undefined);
    assert.equal(refusalLiterals([/join refused/iu]), undefined);
    assert.equal(levelLineRuleFor({ patterns: [/refused|[a-z]+/i], levels: ['ERROR'] }), undefined);
    assert.deepEqual(levelLineRuleFor({ patterns: [/refused|rejected \(\d+\)/i], levels: ['ERROR'] })?.wordings, [
      'refused',
      'rejected (',
    ]);
    assert.deepEqual(requiredLiterals('(a|b)cde|x[|]yz|\\|q'), ['cde', 'yz', '|q']);
    assert.deepEqual(levelLineRuleFor({ patterns: [/Too many (calls|guests)/i], levels: [] }), {
      levels: [],
      wordings: ['too many '],
      marker: 'Stats',
    });
  });

  test('isJoinRefusal: a pattern in a line holding a level; any line without levels', () => {
    const patterns = compileJoinRefusedPatterns(['too many guests']);
    assert.equal(isJoinRefusal('ERROR : Too many guests', { patterns, levels: ['ERROR'] }), true);
    assert.equal(isJoinRefusal('INFO : Too many guests', { patterns, levels: ['ERROR'] }), false);
    assert.equal(isJoinRefusal('INFO : Too many guests', { patterns, levels: [] }), true);
    assert.equal(isJoinRefusal('ERROR : all fine', { patterns, levels: [] }), false);
    assert.equal(isJoinRefusal('ERROR : anything', { patterns: [], levels: [] }), false);
  });
});
