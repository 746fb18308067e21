/**
 * Alert conditions from a live report, their de-duplication (once, repeat, recovery), learnt intervals and the
 * words of a notice.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AlertCondition,
  AlertDeduper,
  activeConditions,
  IntervalLearner,
  noticeJson,
  noticeMarkdown,
  noticeText,
} from '../../../src/core/alerts/index.js';
import type { AnalysisReport, WebBridgeReport } from '../../../src/core/model.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function wb(over: Partial<WebBridgeReport> & { name: string }): WebBridgeReport {
  return {
    host: over.name,
    active: 10,
    peakActive: 10,
    reachedLimit: false,
    limitEpisodes: [],
    restarts: [],
    leakedMin: 0,
    leakRatePerDay: null,
    limitForecast: null,
    lastSeen: iso(T0 - 10_000),
    stale: false,
    ...over,
  };
}

function report(webbridges: WebBridgeReport[], cbSeen: string | null = iso(T0 - 60_000)): AnalysisReport {
  return {
    webbridges,
    callbridges: [{ host: 'cb1', name: 'cb1', cma: 3, cmaPeak: 3, lastSeen: cbSeen, stale: false }],
    cluster: { active: 0, cma: 3, leaked: 0, leakedValid: true, invalidReasons: [], at: iso(T0) },
    lines: { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 },
    recommendations: [],
  };
}

const thresholds = {
  leakAbove: 20,
  forecastWithinHours: 24,
  limit: 149,
  quietAfterMs: (_: string, role: 'webbridge' | 'callbridge') => (role === 'webbridge' ? 300_000 : 1_500_000),
};

function input(r: AnalysisReport, over: Partial<Parameters<typeof activeConditions>[0]> = {}) {
  return { cluster: 'c1', report: r, now: T0, listeningSince: T0 - 3_600_000, deferred: [], recentDrops: {}, ...over };
}

describe('alert conditions', () => {
  test('leak, forecast and limit fire at their thresholds and not below', () => {
    const r = report([
      wb({ name: 'wb1', leakedMin: 20 }),
      wb({ name: 'wb2', leakedMin: 19 }),
      wb({ name: 'wb3', active: 149, leakedMin: 149 }),
      wb({ name: 'wb4', limitForecast: { at: iso(T0 + 86_400_000), inHours: 24, typicalPeakReal: 5, basis: 'x' } }),
      wb({ name: 'wb5', limitForecast: { at: iso(T0 + 90_000_000), inHours: 25, typicalPeakReal: 5, basis: 'x' } }),
    ]);
    const keys = activeConditions(input(r), thresholds)
      .map((c) => c.key)
      .sort();
    assert.deepEqual(keys, ['forecast:c1:wb4', 'leak:c1:wb1', 'leak:c1:wb3', 'limit:c1:wb3']);
  });

  test('a stale Web Bridge is not reported at the limit on an old reading, but it is reported quiet', () => {
    const r = report([wb({ name: 'wb1', active: 149, stale: true, lastSeen: iso(T0 - 400_000) })]);
    const keys = activeConditions(input(r), thresholds).map((c) => c.key);
    assert.deepEqual(keys, ['quiet:c1:wb1']);
  });

  test('quiet uses each role’s interval, and a node never heard of counts from when wbguard started', () => {
    const r = report([wb({ name: 'wb1', lastSeen: null })], iso(T0 - 1_400_000));
    assert.deepEqual(
      activeConditions(input(r, { listeningSince: T0 - 200_000 }), thresholds).map((c) => c.key),
      [],
    );
    const later = activeConditions(input(r, { now: T0 + 200_000, listeningSince: T0 - 200_000 }), thresholds);
    // The Call Bridge, silent since before wbguard started, counts from the start: wbguard's own gap is not its.
    assert.deepEqual(later.map((c) => c.key).sort(), ['quiet:c1:wb1']);
    assert.match(later.find((c) => c.subject === 'wb1')?.summary ?? '', /since wbguard started/);
    const much = activeConditions(input(r, { now: T0 + 1_300_000, listeningSince: T0 - 200_000 }), thresholds);
    assert.deepEqual(much.map((c) => c.key).sort(), ['quiet:c1:cb1', 'quiet:c1:wb1']);
  });

  test('deferred restarts, syslog drops and API disagreements become conditions', () => {
    const r = report([]);
    const c = activeConditions(
      input(r, {
        deferred: [{ name: 'wb1', reasons: ['idle guard: real ≤ 12 > 0'] }],
        recentDrops: { udp: 7, tcp: 0 },
        apiDisagreements: [{ name: 'wb2', api: 9, syslog: 3 }],
      }),
      thresholds,
    );
    assert.deepEqual(c.map((x) => x.key).sort(), [
      'api-disagree:c1:wb2',
      'restart-deferred:c1:wb1',
      'syslog-drops:c1:udp',
    ]);
    assert.match(c.find((x) => x.event === 'restart-deferred')?.summary ?? '', /idle guard: real ≤ 12 > 0/);
  });
});

function cond(key: string, event: AlertCondition['event'] = 'leak'): AlertCondition {
  return { key, event, cluster: 'c1', subject: key, severity: 'warning', summary: `${key} is bad`, facts: { n: 1 } };
}

describe('alert de-duplication', () => {
  test('once when it appears, again after the repeat interval, once on recovery', () => {
    const d = new AlertDeduper({ repeatAfterMs: 60_000 });
    const kinds = (ns: ReturnType<AlertDeduper['update']>) => ns.map((n) => `${n.kind} ${n.condition.key}`);
    assert.deepEqual(kinds(d.update(T0, [cond('a')])), ['firing a']);
    assert.deepEqual(kinds(d.update(T0 + 30_000, [cond('a')])), []);
    assert.deepEqual(kinds(d.update(T0 + 59_999, [cond('a')])), []);
    assert.deepEqual(kinds(d.update(T0 + 60_000, [cond('a'), cond('b')])), ['repeat a', 'firing b']);
    assert.deepEqual(kinds(d.update(T0 + 90_000, [cond('b')])), ['recovered a']);
    assert.deepEqual(kinds(d.update(T0 + 95_000, [])), ['recovered b']);
    assert.deepEqual(kinds(d.update(T0 + 99_000, [])), []);
  });

  test('a channel gets only its events; one-shot events pass once', () => {
    const d = new AlertDeduper({ repeatAfterMs: 60_000, events: ['limit', 'restart-done'] });
    assert.deepEqual(d.update(T0, [cond('a', 'leak')]), []);
    assert.equal(d.update(T0, [cond('b', 'limit')]).length, 1);
    assert.equal(d.event(T0, cond('r1', 'restart-done')).length, 1);
    assert.equal(d.event(T0, cond('r2', 'restart-failed')).length, 0);
  });

  test('a clock stepped backwards does not silence a condition; the state survives a snapshot', () => {
    const d = new AlertDeduper({ repeatAfterMs: 60_000 });
    d.update(T0, [cond('a')]);
    assert.deepEqual(
      d.update(T0 - 3_600_000, [cond('a')]).map((n) => n.kind),
      ['repeat'],
    );
    const copy = new AlertDeduper({ repeatAfterMs: 60_000 });
    copy.restore(JSON.parse(JSON.stringify(d.snapshot())));
    assert.deepEqual(copy.openKeys(), ['a']);
    assert.deepEqual(copy.update(T0 - 3_600_000 + 1000, [cond('a')]), []);
    assert.deepEqual(
      copy.update(T0, []).map((n) => n.kind),
      ['recovered'],
    );
  });
});

describe('learnt Stats intervals', () => {
  test('the median of the last gaps, the fallback until two gaps are known', () => {
    const l = new IntervalLearner();
    assert.equal(l.interval('wb1', 60_000), 60_000);
    l.observe('wb1', 0);
    l.observe('wb1', 10_000);
    l.observe('wb1', 10_000);
    assert.equal(l.interval('wb1', 60_000), 60_000);
    l.observe('wb1', 20_000);
    l.observe('wb1', 90_000);
    assert.equal(l.interval('wb1', 60_000), 10_000);
    l.observe('wb1', 100_000);
    l.observe('wb1', 110_000);
    assert.equal(l.interval('wb1', 60_000), 10_000);
  });
});

describe('notice words', () => {
  test('text, Markdown and JSON name the cluster, event, subject and numbers; recovery says so', () => {
    const n = { kind: 'recovered' as const, condition: cond('leak:c1:wb1'), at: T0 + 600_000, since: T0 };
    assert.match(noticeText(n), /RECOVERED.*c1: leak/);
    assert.match(noticeText(n), /10 min/);
    assert.match(noticeMarkdown(n), /\*\*Recovered\*\*/);
    const j = noticeJson(n);
    assert.equal(j.status, 'recovered');
    assert.equal(j.since, iso(T0));
    assert.deepEqual(j.facts, { n: 1 });
  });
});
