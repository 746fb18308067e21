/**
 * The connect log keeps its samples in a ring; it must answer exactly as the plain arrays it replaced did (kept
 * here as the model): the same counter for every instant asked, the same samples dropped, whatever the order of the
 * samples (rotated pieces read out of order give instants that go back) and past its 4,096 samples.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ConnectLog, MAX_CONNECT_SAMPLES } from '../../../src/core/analysis/connect-log.js';

/** The arrays the ring replaced: push, shift past the bound, scan and splice. */
class ModelLog {
  at: number[] = [];
  connects: number[] = [];

  clear(): void {
    this.at = [];
    this.connects = [];
  }

  add(at: number, connects: number): void {
    this.at.push(at);
    this.connects.push(connects);
    if (this.at.length > MAX_CONNECT_SAMPLES) {
      this.at.shift();
      this.connects.shift();
    }
  }

  connectsAtOrBefore(at: number): number | undefined {
    let i = -1;
    while (i + 1 < this.at.length && (this.at[i + 1] as number) <= at) {
      i++;
    }
    if (i < 0) {
      return undefined;
    }
    if (i > 0) {
      this.at.splice(0, i);
      this.connects.splice(0, i);
    }
    return this.connects[0];
  }
}

type Op = { kind: 'add'; step: number; connects: number } | { kind: 'ask'; back: number } | { kind: 'clear' };

/** Runs `ops` on both logs; instants move on by `step` (negative: back), questions ask `back` before the latest. */
function runBoth(ops: readonly Op[]): void {
  const ring = new ConnectLog();
  const model = new ModelLog();
  let t = 1_790_000_000_000;
  for (const [n, op] of ops.entries()) {
    if (op.kind === 'add') {
      t += op.step;
      ring.add(t, op.connects);
      model.add(t, op.connects);
    } else if (op.kind === 'ask') {
      assert.equal(ring.connectsAtOrBefore(t - op.back), model.connectsAtOrBefore(t - op.back), `op ${n}`);
    } else {
      ring.clear();
      model.clear();
    }
    assert.equal(ring.size, model.at.length, `size after op ${n}`);
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      step: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: -200_000, max: 20_000 })),
      connects: fc.integer({ min: 0, max: 1_000_000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('ask' as const), back: fc.integer({ min: -10_000, max: 400_000 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('connect log', () => {
  test('answers as the plain arrays did, for any samples and questions', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => runBoth(ops)),
      { numRuns: 300 },
    );
  });

  test('instants in order, questions near the latest: trimmed and refilled, the ring wraps before it grows', () => {
    const inOrder: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('add' as const),
          step: fc.integer({ min: 0, max: 20_000 }),
          connects: fc.integer({ min: 0, max: 1_000_000 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('ask' as const), back: fc.integer({ min: 0, max: 600_000 }) }),
      },
    );
    fc.assert(
      fc.property(fc.array(inOrder, { minLength: 50, maxLength: 1_500 }), (ops) => runBoth(ops)),
      { numRuns: 200 },
    );
  });

  test('trimmed then filled until it grows: the samples keep their order through each growth', () => {
    const ops: Op[] = [];
    for (let room = 64; room <= MAX_CONNECT_SAMPLES; room *= 2) {
      // Some samples, most of them dropped by a question near the latest, then enough to fill and grow the ring.
      for (let k = 0; k < room / 2; k++) {
        ops.push({ kind: 'add', step: 10_000, connects: k });
      }
      ops.push({ kind: 'ask', back: 40_000 });
      for (let k = 0; k < room + 7; k++) {
        ops.push({ kind: 'add', step: 10_000 + (k % 3), connects: room + k });
      }
      // Questions across what is kept, oldest first (each drops the samples before its answer).
      for (let back = (room + 10) * 10_000; back >= 0; back -= 37_000) {
        ops.push({ kind: 'ask', back });
      }
    }
    runBoth(ops);
  });

  test('past its bound (the oldest samples dropped, the ring wrapped many times), with instants that go back', () => {
    const sample = (arb: fc.Arbitrary<Op[]>, seed: number) => fc.sample(arb, { numRuns: 1, seed })[0] as Op[];
    const adds = (n: number, seed: number) =>
      sample(
        fc.array(
          opArb.filter((op) => op.kind === 'add'),
          { minLength: n, maxLength: n },
        ),
        seed,
      );
    const mixed = (n: number, seed: number) => sample(fc.array(opArb, { minLength: n, maxLength: n }), seed);
    // Filled past the bound with nothing asked (nothing trims it), asked, filled again, and so on.
    runBoth([
      ...adds(5_000, 1),
      ...mixed(2_000, 2),
      ...adds(9_000, 3),
      { kind: 'ask', back: 10_000_000 },
      ...adds(4_500, 4),
      ...mixed(3_000, 5),
      ...adds(MAX_CONNECT_SAMPLES * 2 + 17, 6),
      ...mixed(500, 7),
    ]);
    const log = new ConnectLog();
    for (let i = 0; i < 3 * MAX_CONNECT_SAMPLES + 5; i++) {
      log.add(i, i * 2);
    }
    assert.equal(log.size, MAX_CONNECT_SAMPLES);
    // The oldest kept is the 4,096th from the end.
    assert.equal(log.connectsAtOrBefore(2 * MAX_CONNECT_SAMPLES + 4), undefined);
    assert.equal(log.connectsAtOrBefore(2 * MAX_CONNECT_SAMPLES + 5), (2 * MAX_CONNECT_SAMPLES + 5) * 2);
    assert.equal(log.size, MAX_CONNECT_SAMPLES);
  });
});
