/**
 * The alerter: notices reach a real webhook once per condition, with repeat and recovery, per channel's events;
 * a failing receiver is retried and does not hold up another channel; what was announced survives a restart.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { httpChannel } from '../../../src/adapters/alerts/http-channel.js';
import { Alerter } from '../../../src/app/alerts/alerter.js';
import type { AlertCondition } from '../../../src/core/alerts/index.js';
import { httpReceiver } from '../../helpers/receivers.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const cond = (subject: string, event: AlertCondition['event'] = 'leak'): AlertCondition => ({
  key: `${event}:c1:${subject}`,
  event,
  cluster: 'c1',
  subject,
  severity: 'warning',
  summary: `${subject} ${event}`,
  facts: {},
});

function statuses(posts: Array<{ body: string }>): string[] {
  return posts.map((p) => {
    const b = JSON.parse(p.body) as { status: string; key: string };
    return `${b.status} ${b.key}`;
  });
}

describe('alerter', () => {
  test('once per condition, repeat, recovery; each channel its events; state kept across a restart', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wbguard-alerter-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const all = await httpReceiver();
    const limits = await httpReceiver();
    t.after(() => Promise.all([all.close(), limits.close()]));
    const make = () =>
      new Alerter(
        [
          { channel: httpChannel({ name: 'all', type: 'webhook', url: () => all.url }), repeatAfterMs: 60_000 },
          {
            channel: httpChannel({ name: 'limits', type: 'webhook', url: () => limits.url }),
            repeatAfterMs: 60_000,
            events: ['limit'],
          },
        ],
        { stateDir: dir, retryDelaysMs: [] },
      );
    const a = make();
    a.check(T0, [cond('wb1')]);
    a.check(T0 + 10_000, [cond('wb1'), cond('wb1', 'limit')]);
    a.check(T0 + 20_000, [cond('wb1'), cond('wb1', 'limit')]);
    await a.idle();
    assert.deepEqual(statuses(all.posts), ['firing leak:c1:wb1', 'firing limit:c1:wb1']);
    assert.deepEqual(statuses(limits.posts), ['firing limit:c1:wb1']);
    await a.close();
    const stateFile = join(dir, 'alerts.json');
    assert.ok(existsSync(stateFile));
    assert.equal(statSync(stateFile).mode & 0o077, 0, 'alerts.json is private');

    // wbguard restarts: nothing is announced again until each repeat interval (leak fired at T0, limit at +10 s).
    const b = make();
    b.check(T0 + 30_000, [cond('wb1'), cond('wb1', 'limit')]);
    b.check(T0 + 60_000, [cond('wb1'), cond('wb1', 'limit')]);
    b.check(T0 + 70_000, [cond('wb1', 'limit')]);
    b.check(T0 + 80_000, []);
    await b.idle();
    assert.deepEqual(statuses(all.posts), [
      'firing leak:c1:wb1',
      'firing limit:c1:wb1',
      'repeat leak:c1:wb1',
      'repeat limit:c1:wb1',
      'recovered leak:c1:wb1',
      'recovered limit:c1:wb1',
    ]);
    assert.deepEqual(statuses(limits.posts), ['firing limit:c1:wb1', 'repeat limit:c1:wb1', 'recovered limit:c1:wb1']);
    assert.deepEqual(b.open(), []);
    await b.close();
  });

  test('a failing receiver is retried, then counted failed; another channel is not held up', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wbguard-alerter-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const flaky = await httpReceiver();
    const good = await httpReceiver();
    t.after(() => Promise.all([flaky.close(), good.close()]));
    flaky.status = 503;
    const outcomes: string[] = [];
    const a = new Alerter(
      [
        { channel: httpChannel({ name: 'flaky', type: 'webhook', url: () => flaky.url }), repeatAfterMs: 60_000 },
        { channel: httpChannel({ name: 'good', type: 'webhook', url: () => good.url }), repeatAfterMs: 60_000 },
      ],
      {
        stateDir: dir,
        retryDelaysMs: [50, 50],
        onDelivery: (channel, n, ok) => outcomes.push(`${channel} ${n.kind} ${ok}`),
      },
    );
    a.check(T0, [cond('wb1')]);
    await a.idle();
    assert.equal(flaky.posts.length, 3, 'one try and two retries');
    assert.equal(good.posts.length, 1);
    assert.deepEqual(outcomes.sort(), ['flaky firing false', 'good firing true']);

    flaky.status = 200;
    flaky.posts.length = 0;
    a.event(T0 + 1000, cond('wb1', 'restart-done'));
    await a.idle();
    assert.deepEqual(statuses(flaky.posts), ['event restart-done:c1:wb1']);
    await a.close();
  });
});
