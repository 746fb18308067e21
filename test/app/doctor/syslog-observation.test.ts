/** The doctor's syslog facts from single lines: stamp shapes, hosts, senders, Stats and STATS intervals, refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { medianIntervalMs, SyslogObservation, stampShapeOf } from '../../../src/app/doctor/syslog-observation.js';

test('stamp shapes, with and without <PRI>', () => {
  assert.equal(stampShapeOf('<14>Feb 23 09:02:21.594 user.info cms1 host:server: INFO : x'), 'BSD without year');
  assert.equal(stampShapeOf('Jul  3 15:01:22.811 user.info cms1 host:server: INFO : x'), 'BSD without year');
  assert.equal(stampShapeOf('2024-03-05T16:50:25.736 user.info cms01 host:server: INFO : x'), 'ISO-8601 without zone');
  assert.equal(stampShapeOf('<14>2024-03-05T16:50:25.736+01:00 user.info cms01 host:server: x'), 'ISO-8601 with zone');
  assert.equal(stampShapeOf('<14>1 2024-03-05T16:50:25.736Z cms01 webbridge - - - Stats 1, c:2, d:1'), 'RFC 5424');
  assert.equal(stampShapeOf('garbage'), 'unreadable');
});

test('lines are filed by host with their sender, transport, skew, records and refusals', () => {
  const o = new SyslogObservation(2026);
  const at = Date.UTC(2026, 1, 23, 9, 2, 21, 0);
  for (let i = 0; i < 4; i++) {
    const s = String(21 + i * 10).padStart(2, '0');
    o.addLine(
      `<14>Feb 23 09:02:${s}.000 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats ${i}, c:${i}, d:0`,
      '10.0.0.1',
      'udp',
      at + i * 10_000 + 200,
    );
  }
  o.addLine(
    '<11>Feb 23 09:02:50.000 user.err cms1 "webbridge": ERROR : join refused: session limit reached (149)',
    '10.0.0.1',
    'udp',
    at + 29_000,
  );
  o.addLine(
    '2026-02-23T09:05:00.000Z user.info cms2 host:server: INFO : STATS: {"CMA": "1/2"}',
    '10.0.0.2',
    'tcp',
    at + 158_000,
  );
  o.addLine('not syslog', '10.0.0.3', 'udp', at);
  const cms1 = o.hosts.get('cms1');
  assert.ok(cms1);
  assert.equal(cms1.lines, 5);
  assert.deepEqual([...cms1.senders], ['10.0.0.1']);
  assert.deepEqual([...cms1.stampShapes], ['BSD without year']);
  assert.equal(cms1.webBridgeStats.length, 4);
  assert.equal(medianIntervalMs(cms1.webBridgeStats), 10_000);
  assert.equal(cms1.refusals, 1);
  assert.equal(cms1.skewsMs[0], -200);
  const cms2 = o.hosts.get('cms2');
  assert.deepEqual([...(cms2?.transports ?? [])], ['tcp']);
  assert.deepEqual([...(cms2?.stampShapes ?? [])], ['ISO-8601 with zone']);
  assert.equal(cms2?.callBridgeStats.length, 1);
  assert.equal(cms2?.skewsMs[0], 1000);
  assert.equal(o.unreadable, 1);
  assert.equal(medianIntervalMs([5]), undefined);
});
