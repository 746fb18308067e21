import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BoundedSeries, ClusterAnalyzer, restartCadenceDays, slopePerDay } from '../../../src/core/analysis/index.js';
import type { CmsRecord, LineCounts } from '../../../src/core/model.js';
import { DAY, START, syntheticCluster } from './synthetic-cluster.js';

const LINES: LineCounts = { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 };
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

function wb(at: number, host: string, active: number, c = 100, d = 50): CmsRecord {
  return { kind: 'webbridge-stats', at, host, active, connects: c, disconnects: d };
}
function cb(at: number, host: string, cma: number, peak = cma): CmsRecord {
  return { kind: 'callbridge-stats', at, host, cma, cmaPeak: peak, raw: { CMA: `${cma}/${peak}` } };
}
function run(records: CmsRecord[], options = {}) {
  const a = new ClusterAnalyzer(options);
  for (const r of records) {
    a.add(r);
  }
  return a;
}

describe('hand-made scenarios', () => {
  test('cluster leak is Σ active − Σ CMA, clamped at zero', () => {
    const a = run([wb(T0, 'cms1', 40), wb(T0 + 1, 'cms2', 10), cb(T0 + 2, 'cms1', 15), cb(T0 + 3, 'cms2', 5)]);
    const r = a.report(LINES);
    assert.deepEqual([r.cluster.active, r.cluster.cma, r.cluster.leaked, r.cluster.leakedValid], [50, 20, 30, true]);
    const low = run([wb(T0, 'cms1', 5), cb(T0 + 1, 'cms1', 9)]).report(LINES);
    assert.equal(low.cluster.leaked, 0);
  });

  test('per Web Bridge lower bound is max(0, active − Σ CMA − joins since) at the first sample after a CMA figure', () => {
    const before = run([wb(T0, 'cms1', 40), wb(T0 + 1, 'cms2', 10), cb(T0 + 2, 'cms1', 15)]).report(LINES);
    // A sample older than the CMA figure proves nothing: guests who left in between would pass for a leak.
    assert.deepEqual(
      before.webbridges.map((w) => w.leakedMin),
      [null, null],
    );
    const r = run([
      wb(T0, 'cms1', 40),
      wb(T0 + 1, 'cms2', 10),
      cb(T0 + 2, 'cms1', 15),
      wb(T0 + 3, 'cms1', 40),
      wb(T0 + 4, 'cms2', 10),
    ]).report(LINES);
    const byName = Object.fromEntries(r.webbridges.map((w) => [w.name, w.leakedMin]));
    assert.deepEqual(byName, { cms1: 25, cms2: 0 });
  });

  test('guests who joined after the CMA figure are not claimed as a leak (the connect counter rose)', () => {
    const r = run([wb(T0, 'cms1', 10, 100), cb(T0 + 1, 'cms1', 10), wb(T0 + 60_000, 'cms1', 40, 130)]).report(LINES);
    assert.equal(r.webbridges[0]?.leakedMin, 0);
    // The same rise without joins counted is a leak of 30.
    const leak = run([wb(T0, 'cms1', 10, 100), cb(T0 + 1, 'cms1', 10), wb(T0 + 60_000, 'cms1', 40, 100)]).report(LINES);
    assert.equal(leak.webbridges[0]?.leakedMin, 30);
  });

  test('a sample older than a Call Bridge figure handed on before it (pieces out of order) proves nothing', () => {
    // The merge keeps each file's order: a rotated piece out of time order hands on a sample older than a figure
    // already seen. Guests who left between the two would pass for a leak.
    const r = run([wb(T0, 'cms1', 10, 100), cb(T0 + 100, 'cms1', 5), wb(T0 + 50, 'cms1', 40, 100)]).report(LINES);
    assert.equal(r.webbridges[0]?.leakedMin, null);
    const inOrder = run([wb(T0, 'cms1', 10, 100), cb(T0 + 100, 'cms1', 5), wb(T0 + 150, 'cms1', 40, 100)]);
    assert.equal(inOrder.report(LINES).webbridges[0]?.leakedMin, 35);
  });

  test('joins are counted since the oldest of the Call Bridges figures, not the newest', () => {
    // Two Call Bridges at their own instants: real sessions now are at most Σ CMA plus those who joined since the
    // older figure (30 joined between the two).
    const r = run([
      wb(T0, 'cms1', 10, 100),
      cb(T0 + 1, 'cbA', 5),
      wb(T0 + 2, 'cms1', 10, 130),
      cb(T0 + 3, 'cbB', 5),
      wb(T0 + 4, 'cms1', 50, 130),
    ]).report(LINES);
    assert.equal(r.webbridges[0]?.leakedMin, 50 - 10 - 30);
  });

  test('sessions gone without a disconnect (a restart the counters could not show) void the proven leak', () => {
    const r = run([
      wb(T0, 'cms1', 50, 0, 0),
      cb(T0 + 1, 'cms1', 0),
      wb(T0 + 2, 'cms1', 50, 0, 0),
      wb(T0 + 60_000, 'cms1', 1, 1, 0),
    ]).report(LINES);
    assert.equal(r.webbridges[0]?.leakedMin, 0);
  });

  test('the proven leak never falls within a segment (leaked sessions only grow until a restart)', () => {
    const r = run([
      wb(T0, 'cms1', 40),
      cb(T0 + 1, 'cms1', 0),
      wb(T0 + 2, 'cms1', 40),
      wb(T0 + 60_000, 'cms1', 70),
      cb(T0 + 60_001, 'cms1', 60),
      wb(T0 + 60_002, 'cms1', 70),
    ]).report(LINES);
    assert.equal(r.webbridges[0]?.leakedMin, 40);
  });

  test('limit episodes open at the limit and close below it', () => {
    const recs = [
      wb(T0, 'cms1', 140),
      wb(T0 + 10_000, 'cms1', 149),
      wb(T0 + 20_000, 'cms1', 149),
      wb(T0 + 30_000, 'cms1', 120),
      wb(T0 + 40_000, 'cms1', 149),
    ];
    const w = run(recs).report(LINES).webbridges[0];
    assert.equal(w?.reachedLimit, true);
    assert.deepEqual(w?.limitEpisodes, [
      { start: new Date(T0 + 10_000).toISOString(), end: new Date(T0 + 30_000).toISOString() },
      { start: new Date(T0 + 40_000).toISOString(), end: null },
    ]);
    assert.equal(w?.peakActive, 149);
  });

  test('a configured limit is used', () => {
    const w = run([wb(T0, 'cms1', 100)], { limit: 100 }).report(LINES).webbridges[0];
    assert.equal(w?.limitEpisodes.length, 1);
  });

  test('a join refused line marks the limit reached', () => {
    const w = run([wb(T0, 'cms1', 20), { kind: 'join-refused', at: T0 + 1, host: 'cms1' }]).report(LINES).webbridges[0];
    assert.equal(w?.reachedLimit, true);
  });

  test('restart detected from the counters going back, and merged with the audit line', () => {
    const recs: CmsRecord[] = [
      wb(T0, 'cms1', 80, 5000, 4920),
      { kind: 'mmp-restart', at: T0 + 60_000, host: 'cms1', command: 'webbridge restart', user: 'admin' },
      wb(T0 + 120_000, 'cms1', 0, 0, 0),
      wb(T0 + 130_000, 'cms1', 1, 1, 0),
    ];
    const w = run(recs).report(LINES).webbridges[0];
    assert.deepEqual(w?.restarts, [new Date(T0 + 60_000).toISOString()]);
    const noAudit = run([wb(T0, 'cms1', 80, 5000, 4920), wb(T0 + 120_000, 'cms1', 0, 3, 3)]).report(LINES)
      .webbridges[0];
    assert.deepEqual(noAudit?.restarts, [new Date(T0 + 120_000).toISOString()]);
  });

  test('counters that only grow are not a restart', () => {
    const w = run([wb(T0, 'cms1', 80, 5000, 4920), wb(T0 + 10_000, 'cms1', 10, 5001, 4991)]).report(LINES)
      .webbridges[0];
    assert.deepEqual(w?.restarts, []);
  });

  test('a webbridge3 restart is not a Web Bridge 2 restart', () => {
    const w = run([
      wb(T0, 'cms1', 5),
      { kind: 'mmp-restart', at: T0 + 1, host: 'cms1', command: 'webbridge3 restart', user: 'a' },
    ]).report(LINES).webbridges[0];
    assert.deepEqual(w?.restarts, []);
  });

  test('stale nodes and mixed CMA clients invalidate the cluster estimate, with reasons', () => {
    const recs = [wb(T0, 'cms1', 40), cb(T0, 'cms1', 0), wb(T0 + 3_600_000, 'cms2', 10)];
    const r = run(recs).report(LINES);
    assert.equal(r.cluster.leakedValid, false);
    assert.match(r.cluster.invalidReasons.join(';'), /stale data from cms1/);
    assert.equal(r.webbridges.find((w) => w.name === 'cms1')?.stale, true);
    assert.equal(r.webbridges.find((w) => w.name === 'cms2')?.stale, false);
    const mixed = run([wb(T0, 'cms1', 40), cb(T0, 'cms1', 0)], { cmaClients: 'mixed' }).report(LINES);
    assert.equal(mixed.cluster.leakedValid, false);
    assert.match(mixed.cluster.invalidReasons.join(';'), /upper bound/);
  });

  test('no Call Bridge data: no lower bound, estimate invalid', () => {
    const r = run([wb(T0, 'cms1', 40)]).report(LINES);
    assert.equal(r.webbridges[0]?.leakedMin, null);
    assert.equal(r.cluster.leakedValid, false);
  });

  test('syslog hosts map to node names', () => {
    const r = run([wb(T0, '10.0.0.11', 40), cb(T0, '10.0.0.11', 4)], {
      webbridgeNames: new Map([['10.0.0.11', 'cms1']]),
      callbridgeNames: new Map([['10.0.0.11', 'cms1']]),
    }).report(LINES);
    assert.deepEqual(
      [r.webbridges[0]?.name, r.webbridges[0]?.host, r.callbridges[0]?.name],
      ['cms1', '10.0.0.11', 'cms1'],
    );
  });

  test('report carries the line counts it is given', () => {
    const counts = { read: 10, webbridgeStats: 3, callbridgeStats: 1, malformed: 2 };
    assert.deepEqual(run([]).report(counts).lines, counts);
  });
});

describe('a synthetic multi-day cluster with known leaks', () => {
  const leakPerDay = [12, 4, 0];
  const sim = syntheticCluster({
    days: 7,
    leakPerDay,
    peakReal: 30,
    restarts: [{ wb: 1, at: 2 * DAY + 2 * 3_600_000 }],
    quietEndHours: 6,
    seed: 42,
  });
  const analyzer = run(sim.records);
  const report = analyzer.report(LINES);
  const byName = Object.fromEntries(report.webbridges.map((w) => [w.name, w]));

  test('quiet end: the proven leak equals the true leak on every Web Bridge, and the cluster sums them', () => {
    assert.deepEqual(
      ['cms1', 'cms2', 'cms3'].map((n) => byName[n]?.leakedMin),
      sim.leakedAtEnd,
    );
    assert.equal(
      report.cluster.leaked,
      sim.leakedAtEnd.reduce((a, b) => a + b, 0),
    );
    assert.equal(report.cluster.cma, 0);
    assert.equal(report.cluster.leakedValid, true);
  });

  test('leak rates are found within 15 %', () => {
    for (const [i, name] of ['cms1', 'cms2'].entries()) {
      const rate = byName[name]?.leakRatePerDay ?? Number.NaN;
      assert.ok(Math.abs(rate - (leakPerDay[i] as number)) <= 0.15 * (leakPerDay[i] as number), `${name} rate ${rate}`);
    }
    assert.ok((byName.cms3?.leakRatePerDay ?? 1) < 0.1);
  });

  test('the restart is detected once, at its time', () => {
    assert.deepEqual(byName.cms2?.restarts, [new Date(START + 2 * DAY + 2 * 3_600_000).toISOString()]);
    assert.deepEqual(byName.cms1?.restarts, []);
  });

  test('forecast and cadence are plausible: the fast leaker first, the clean one never', () => {
    const f1 = byName.cms1?.limitForecast;
    assert.ok(f1?.at, 'cms1 has a forecast');
    // 84 leaked, ~30 real at peak, 12/day: about (149 − 30 − 84) / 12 ≈ 3 days away
    assert.ok((f1?.inHours ?? 0) > 24 && (f1?.inHours ?? 0) < 5 * 24, `cms1 in ${f1?.inHours} h`);
    assert.ok((f1?.typicalPeakReal ?? 0) >= 20 && (f1?.typicalPeakReal ?? 0) <= 40);
    assert.equal(byName.cms3?.limitForecast?.at, null);
    const rec = Object.fromEntries(report.recommendations.map((r) => [r.name, r]));
    assert.ok((rec.cms1?.restartEveryDays ?? 0) >= 5 && (rec.cms1?.restartEveryDays ?? 0) <= 9, rec.cms1?.text);
    assert.ok((rec.cms2?.restartEveryDays ?? 0) > (rec.cms1?.restartEveryDays ?? 0));
    assert.equal(rec.cms3?.restartEveryDays, null);
    assert.match(rec.cms3?.text ?? '', /no restart needed/);
  });

  test('series are bounded and end at the known values', () => {
    const s = analyzer.series();
    for (const w of s.webbridges) {
      assert.ok(w.active.t.length <= 2000);
      assert.equal(w.active.t.length, w.active.v.length);
    }
    assert.equal(s.limit, 149);
    assert.deepEqual(s.webbridges.find((w) => w.name === 'cms2')?.restarts, [START + 2 * DAY + 2 * 3_600_000]);
  });
});

describe('bounded memory', () => {
  test('a million records keep every series within its bound', () => {
    const a = new ClusterAnalyzer({ maxSeriesPoints: 500 });
    for (let i = 0; i < 1_000_000; i++) {
      a.add(wb(T0 + i * 10_000, `cms${(i % 4) + 1}`, i % 150, i, i));
      if (i % 30 === 0) {
        a.add(cb(T0 + i * 10_000 + 1, 'cms1', i % 20));
      }
    }
    const s = a.series();
    for (const w of s.webbridges) {
      assert.ok(w.active.t.length <= 500 && w.active.t.length > 100, `${w.active.t.length}`);
    }
    assert.ok(s.clusterLeaked.t.length <= 500);
  });

  test('BoundedSeries keeps the maximum of each merged bucket', () => {
    const bs = new BoundedSeries(4);
    for (let i = 0; i < 64; i++) {
      bs.push(i * 1000, i === 37 ? 999 : i % 5);
    }
    assert.ok(bs.length <= 4);
    assert.ok(bs.toSeries().v.includes(999));
  });
});

describe('without chart series', () => {
  test('series: false gives the same report, and empty series', () => {
    const { records } = syntheticCluster({
      days: 6,
      leakPerDay: [12, 3, 0],
      peakReal: 30,
      restarts: [{ wb: 1, at: 2 * DAY + 3_600_000 }],
      quietEndHours: 4,
      seed: 7,
      statsEveryMs: 60_000,
    });
    const full = run(records);
    const lean = run(records, { series: false });
    assert.deepEqual(lean.report(LINES), full.report(LINES));
    const s = lean.series();
    assert.ok(full.series().webbridges.every((w) => w.active.t.length > 0));
    assert.ok(s.webbridges.every((w) => w.active.t.length === 0 && w.leakedMin.t.length === 0));
    assert.ok(s.callbridges.every((c) => c.cma.t.length === 0));
    assert.equal(s.clusterLeaked.t.length, 0);
  });
});

describe('BoundedSeries', () => {
  /** The series as first written: a bucket index per point, new arrays at every halving. */
  function reference(points: ReadonlyArray<[number, number]>, maxPoints: number) {
    let width = 1;
    let origin: number | undefined;
    let t: number[] = [];
    let v: number[] = [];
    let b: number[] = [];
    for (const [pt, pv] of points) {
      origin ??= pt;
      const bucket = Math.floor((pt - origin) / width);
      const last = b.length - 1;
      if (last >= 0 && bucket <= (b[last] as number)) {
        v[last] = Math.max(v[last] as number, pv);
        continue;
      }
      b.push(bucket);
      t.push(pt);
      v.push(pv);
      if (t.length > maxPoints) {
        width *= 2;
        const nt: number[] = [];
        const nv: number[] = [];
        const nb: number[] = [];
        for (let i = 0; i < t.length; i++) {
          const k = Math.floor((b[i] as number) / 2);
          if (nb.length > 0 && nb[nb.length - 1] === k) {
            nv[nv.length - 1] = Math.max(nv[nv.length - 1] as number, v[i] as number);
          } else {
            nb.push(k);
            nt.push(t[i] as number);
            nv.push(v[i] as number);
          }
        }
        [t, v, b] = [nt, nv, nb];
      }
    }
    return { t, v };
  }

  test('halving in place gives the points of the original algorithm (late samples too)', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const maxPoints of [2, 3, 7, 50, 2000]) {
      const points: Array<[number, number]> = [];
      let at = T0;
      for (let i = 0; i < 20_000; i++) {
        // Mostly forward in steps of 0–20 s, sometimes a sample a little late.
        at += rand() < 0.05 ? -Math.floor(rand() * 5000) : Math.floor(rand() * 20_000);
        points.push([at, Math.floor(rand() * 150)]);
      }
      const bs = new BoundedSeries(maxPoints);
      for (const [t, v] of points) {
        bs.push(t, v);
      }
      assert.deepEqual(bs.toSeries(), reference(points, maxPoints), `maxPoints ${maxPoints}`);
    }
  });
});

describe('helpers', () => {
  test('slopePerDay fits a line', () => {
    assert.equal(
      slopePerDay([
        { t: 0, v: 0 },
        { t: DAY, v: 10 },
        { t: 2 * DAY, v: 20 },
      ]),
      10,
    );
    assert.equal(slopePerDay([{ t: 0, v: 1 }]), undefined);
  });
  test('restartCadenceDays keeps a margin and never goes below a day', () => {
    assert.equal(restartCadenceDays(10, 29, 149), 9);
    assert.equal(restartCadenceDays(500, 29, 149), 1);
    assert.equal(restartCadenceDays(0.01, 29, 149), null);
  });
});

describe('a first leak rate from less than a day of data (the instants nobody real is connected)', () => {
  const MIN = 60_000;
  /**
   * One Web Bridge and one Call Bridge: `active` Web Bridge sessions and `cma` real ones at minute m (a Stats line on
   * each side of the STATS line, as a Web Bridge logging every few seconds gives: the leak is proven at the second).
   */
  const at = (m: number, active: number, cma: number, c = 100 + m, d = 50 + m): CmsRecord[] => [
    wb(T0 + m * MIN, 'cms1', active, c, d),
    cb(T0 + m * MIN + 1, 'cms1', cma),
    wb(T0 + m * MIN + 2, 'cms1', active, c, d),
  ];

  test('quiet (leak 4), busy, quiet again 2 h later (leak 10): 72/day, with its basis, and a forecast', () => {
    // Counters as the sessions went: 55 joined by minute 30, 10 more by 60 (3 sessions ended leaked), then the 62
    // real ones ended, 60 counted as disconnects and 2 leaked.
    const records = [
      ...at(0, 4, 0, 100, 96),
      ...at(30, 60, 55, 155, 96),
      ...at(60, 70, 62, 165, 96),
      ...at(120, 10, 0, 165, 156),
    ];
    const w = run(records).report(LINES).webbridges[0];
    assert.equal(w?.leakRatePerDay, 72);
    assert.match(
      w?.limitForecast?.basis ?? '',
      /^leak 72\/day over 2 h since .*\(less than a day of data: a first estimate\)$/,
    );
    assert.ok(w?.limitForecast?.inHours !== null && (w?.limitForecast?.inHours ?? 0) > 0, 'a limit forecast');
  });

  test('after a restart: from its 0 to the first quiet instant after load', () => {
    const records = [
      ...at(0, 30, 0, 500, 470),
      ...at(5, 0, 0, 0, 0), // counters reset: restarted
      ...at(30, 50, 45, 60, 10),
      ...at(125, 6, 0, 90, 84),
    ];
    const w = run(records).report(LINES).webbridges[0];
    assert.equal(w?.restarts.length, 1);
    // 6 leaked over the 2 h since the restart: 72/day.
    assert.equal(w?.leakRatePerDay, 72);
    assert.match(w?.limitForecast?.basis ?? '', /since restart/);
    // Restarted again, and busy since: the previous segment's first estimate stands until this one has its own.
    const again = [...records, ...at(130, 6, 0, 0, 0), ...at(140, 60, 50, 50, 0)];
    assert.equal(run(again).report(LINES).webbridges[0]?.restarts.length, 2);
    assert.equal(run(again).report(LINES).webbridges[0]?.leakRatePerDay, 72);
  });

  test('no estimate from one quiet spell (a night), nor from quiet instants less than half an hour apart', () => {
    const night = [...at(0, 4, 0), ...at(90, 4, 0), ...at(180, 5, 0)];
    assert.equal(run(night).report(LINES).webbridges[0]?.leakRatePerDay, null);
    const short = [...at(0, 4, 0), ...at(10, 40, 30), ...at(25, 6, 0)];
    assert.equal(run(short).report(LINES).webbridges[0]?.leakRatePerDay, null);
  });
});
