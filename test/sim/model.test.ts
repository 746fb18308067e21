import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RESTART_OUTPUT } from '../../src/sim/model/node.js';
import { model } from './helpers.js';

const HOUR = 3_600_000;

describe('simulated cluster model', () => {
  test('the same seed gives the same day; another seed another one', () => {
    const run = (seed: number) => {
      const m = model({ seed, leakRate: 0.2 });
      const lines: string[] = [];
      m.onLine((_n, l) => lines.push(l));
      m.advance(3 * HOUR);
      return { state: m.state(), lines };
    };
    assert.deepEqual(run(7), run(7));
    assert.notDeepEqual(run(7).state, run(8).state);
  });

  test('active = real + leaked on every Web Bridge; CMA = real sessions over the cluster', () => {
    const m = model({ leakRate: 0.3, joinRatePerHour: 600 });
    m.advance(4 * HOUR);
    const s = m.state();
    for (const w of s.webbridges) {
      assert.equal(w.active, w.real + w.leaked);
    }
    const real = s.webbridges.reduce((a, w) => a + w.real, 0);
    assert.equal(
      s.callbridges.reduce((a, c) => a + c.cma, 0),
      real,
    );
    assert.ok(s.webbridges.some((w) => w.leaked > 0));
  });

  test('a Web Bridge at its limit refuses joins and says so', () => {
    const m = model({ nodes: 1, limit: 10, leakRate: 1, joinRatePerHour: 2000, meanStayMs: 60_000 });
    const lines: string[] = [];
    m.onLine((_n, l) => lines.push(l));
    m.advance(2 * HOUR);
    assert.equal(m.state().webbridges[0]?.active, 10);
    assert.ok(lines.some((l) => /"webbridge": ERROR : join refused: session limit reached \(10\)/.test(l)));
  });

  test('webbridge restart drops every session, is away for a while, then comes back at zero with counters reset', async () => {
    const m = model({ leakRate: 0.5, joinRatePerHour: 600, restartDurationMs: 60_000 });
    const lines: string[] = [];
    m.onLine((n, l) => n === 'cms1' && lines.push(l));
    m.advance(3 * HOUR);
    m.setJoinRate(0);
    const before = m.state().webbridges[0];
    assert.ok((before?.active ?? 0) > 0);
    const cmaBefore = m.state().callbridges.reduce((a, c) => a + c.cma, 0);
    const out = await m.node('cms1')?.restartWebBridge();
    assert.deepEqual(out, { output: [RESTART_OUTPUT.success], exitCode: 0 });
    const during = m.state();
    assert.equal(during.webbridges[0]?.available, false);
    assert.equal(during.webbridges[0]?.real, 0);
    assert.equal(
      during.callbridges.reduce((a, c) => a + c.cma, 0),
      cmaBefore - (before?.real ?? 0),
    );
    lines.length = 0;
    m.advance(30_000);
    assert.ok(!lines.some((l) => l.includes('Stats ')), 'no Stats while restarting');
    m.advance(40_000);
    const after = m.state().webbridges[0];
    assert.deepEqual([after?.available, after?.active, after?.leaked, after?.restarts], [true, 0, 0, 1]);
    assert.match(lines.find((l) => l.includes('Stats ')) ?? '', /Stats 0, c:0, d:0$/);
    assert.deepEqual(
      m.history.filter((h) => h.node === 'cms1').map((h) => h.event),
      ['restart:started', 'restart:completed'],
    );
  });

  test('faults: a slow restart, and a restart that does not clear the leak', async () => {
    const m = model({ leakRate: 1, joinRatePerHour: 600, restartDurationMs: 10_000 });
    m.advance(2 * HOUR);
    m.setJoinRate(0);
    m.advance(4 * HOUR);
    m.setFaults('cms2', { slowRestartMs: 600_000, restartKeepsLeak: true });
    const leaked = m.state().webbridges[1]?.leaked ?? 0;
    assert.ok(leaked > 0);
    await m.node('cms2')?.restartWebBridge();
    m.advance(300_000);
    assert.equal(m.state().webbridges[1]?.available, false, 'still restarting after 5 min');
    m.advance(301_000);
    assert.deepEqual([m.state().webbridges[1]?.available, m.state().webbridges[1]?.leaked], [true, leaked]);
    m.setFaults('cms2', { slowRestartMs: 0, restartKeepsLeak: false });
    assert.deepEqual(m.node('cms2')?.faults, {});
  });

  test('restart output modes: none prints nothing, failure restarts nothing', async () => {
    const none = model({ restartOutput: 'none' });
    assert.deepEqual(await none.node('cms1')?.restartWebBridge(), { output: [], exitCode: 0 });
    const failing = model({ restartOutput: 'failure' });
    const r = await failing.node('cms1')?.restartWebBridge();
    assert.equal(r?.exitCode, 1);
    assert.match(r?.output[0] ?? '', /^FAILURE:/);
    assert.equal(failing.state().webbridges[0]?.available, true);
  });

  test('CMS text: Stats, STATS with CMA, audit lines in the shapes of the reference', () => {
    const m = model({ joinRatePerHour: 300 });
    const lines: string[] = [];
    m.onLine((_n, l) => lines.push(l));
    m.advance(HOUR);
    m.node('cms2')?.auditCommand('admin', '127.0.0.1:50022', 'webbridge restart');
    const bsd = '[A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}\\.\\d{3}';
    assert.ok(
      lines.some((l) =>
        new RegExp(`^${bsd} user\\.info cms1 "webbridge": INFO : \\[DEBUGGING\\] Stats \\d+, c:\\d+, d:\\d+$`).test(l),
      ),
    );
    assert.ok(
      lines.some((l) =>
        new RegExp(`^${bsd} user\\.info cms3 host:server: INFO : STATS: \\{.*"CMA": "\\d+/\\d+".*\\}$`).test(l),
      ),
    );
    assert.match(
      lines.at(-1) ?? '',
      new RegExp(
        `^${bsd} local0\\.info cms2 cli: User admin from 127\\.0\\.0\\.1:50022 issued command < webbridge restart>: permission granted$`,
      ),
    );
  });

  test('call legs: one acano leg per guest, SIP legs, and distribution links for calls spread over bridges', () => {
    const m = model({ joinRatePerHour: 900, meetings: 2, leakRate: 0 });
    m.advance(HOUR);
    let guests = 0;
    for (const cb of m.callbridges()) {
      const legs = cb.callLegs();
      const acano = legs.filter((l) => l.type === 'acano');
      assert.equal(acano.length, cb.cma());
      assert.ok(acano.every((l) => l.guestConnection));
      guests += acano.length;
      const links = legs.filter((l) => l.subType === 'distributionLink');
      const spread = cb.calls().length > 0 && m.callbridges().filter((o) => o !== cb && o.cma() > 0).length > 0;
      if (spread) {
        assert.ok(links.length > 0);
      }
    }
    assert.equal(
      guests,
      m.state().webbridges.reduce((a, w) => a + w.real, 0),
    );
  });

  test('Web-Bridge-only, Call-Bridge-only and Web Bridge 3 nodes', async () => {
    const m = model({ nodes: 1, webbridgeOnly: 1, callbridgeOnly: 1, webbridge3Nodes: ['cms1'] });
    assert.deepEqual(
      m.state().webbridges.map((w) => w.name),
      ['cms1', 'cms2'],
    );
    assert.deepEqual(
      m.state().callbridges.map((c) => c.name),
      ['cms1', 'cms3'],
    );
    assert.equal(m.node('cms1')?.softwareVersion, '2.9.2');
    assert.ok(m.node('cms1')?.webBridge3StatusLines()?.[0]?.startsWith('Enabled'));
    assert.equal((await m.node('cms2')?.restartWebBridge3())?.exitCode, 1);
  });
});
