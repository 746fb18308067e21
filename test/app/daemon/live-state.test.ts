/**
 * The live state's commits: a record is committed in order, a refused batch is kept and retried, and a backlog of
 * uncommitted records past the limit asks the daemon to stop reading until the store is down to half of it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveState } from '../../../src/app/daemon/live-state.js';
import { ClusterAnalyzer } from '../../../src/core/analysis/index.js';
import type { CmsRecord } from '../../../src/core/model.js';
import type { AsyncStore } from '../../../src/ports/async-store.js';
import { webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

/** A store whose appends wait until the test lets them through, or fail when told to. */
function gatedStore() {
  const stored: CmsRecord[] = [];
  const gates: Array<() => void> = [];
  let failNext = false;
  const store = {
    kind: 'sqlite',
    async appendRecords(records: readonly CmsRecord[]) {
      await new Promise<void>((r) => gates.push(r));
      if (failNext) {
        failNext = false;
        throw new Error('store away');
      }
      stored.push(...records);
      return records.length;
    },
  } as unknown as AsyncStore;
  return {
    store,
    stored,
    open: async () => {
      await new Promise((r) => setImmediate(r));
      while (gates.length > 0) {
        gates.shift()?.();
        await new Promise((r) => setImmediate(r));
      }
    },
    failNext: () => {
      failNext = true;
    },
  };
}

const line = (i: number) => `<14>${webBridgeStatsLine(T0 + i * 1000, 'cms1', i % 100, i, i)}`;

test('past the backlog limit the daemon is told to stop reading, and to read again at half of it', async () => {
  const g = gatedStore();
  const errors: Error[] = [];
  const state = new LiveState(g.store, new ClusterAnalyzer(), new Set(), T0, {
    onCommitError: (e) => errors.push(e),
  });
  const calls: boolean[] = [];
  state.onBacklog(10, (over) => calls.push(over));
  for (let i = 0; i < 9; i++) {
    state.ingest(line(i), T0);
  }
  assert.deepEqual(calls, []);
  const first = state.flush();
  state.ingest(line(9), T0);
  assert.deepEqual(calls, [true], 'the tenth uncommitted record');
  assert.equal(state.uncommitted, 10);
  for (let i = 10; i < 15; i++) {
    state.ingest(line(i), T0);
  }
  assert.deepEqual(calls, [true], 'told once');
  // A refused commit keeps its records uncommitted: still over.
  g.failNext();
  await g.open();
  await first;
  assert.equal(errors.length, 1);
  assert.equal(state.uncommitted, 15);
  assert.deepEqual(calls, [true]);
  const second = state.flush();
  await g.open();
  await second;
  assert.equal(state.uncommitted, 0);
  assert.deepEqual(calls, [true, false]);
  assert.deepEqual(
    g.stored.map((r) => r.at),
    Array.from({ length: 15 }, (_, i) => T0 + i * 1000),
    'every record once, in order',
  );
});

test('a BSD stamp (no year) takes the year of the clock, also after the clock passes into another year', async () => {
  const g = gatedStore();
  const june = Date.UTC(2026, 5, 10, 12);
  const state = new LiveState(g.store, new ClusterAnalyzer(), new Set(), june);
  const seen: number[] = [];
  state.subscribe((r) => seen.push(r.at));
  const stats = (at: number) => `<14>${webBridgeStatsLine(at, 'cms1', 1, 1, 1)}`;
  state.ingest(stats(june), june);
  state.ingest(stats(june + 1000), Date.UTC(2026, 11, 31, 23, 59, 59, 999));
  const later = Date.UTC(2028, 5, 10, 12);
  state.ingest(stats(later), later);
  state.ingest(stats(june), june); // the clock stepped back
  assert.deepEqual(seen, [june, june + 1000, later, june]);
});
