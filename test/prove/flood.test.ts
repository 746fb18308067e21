/**
 * The short floods (CI): the real daemon in its own process, a few seconds per scenario (the long run is
 * `npm run prove -- --only flood`, docs/reliability.md). After each flood it still answers /healthz and reads a
 * fresh valid Stats line; TCP loses nothing; bad frames and garbage datagrams are counted; neither a slow client nor
 * 1,000 idle connections hold up a valid sender; past syslog.maxConnections new connections are refused and counted;
 * RSS stays under a generous bound. No rate is asserted (the machine is shared): counts only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type FloodDaemon,
  idleConnections,
  malformedFlood,
  slowClient,
  startFloodDaemon,
  tcpFlood,
  udpFlood,
} from './lib/flood.js';

/** Generous: the daemon idles near 150 MB under tsx; a leak per message or per connection would pass this. */
const RSS_BOUND_MB = 600;
const SECONDS = 2;

describe('floods against wbguard run', { concurrency: false }, () => {
  let d: FloodDaemon;
  before(async () => {
    d = await startFloodDaemon();
  });
  after(() => d?.stop());

  test('UDP flood: read or dropped, never fatal', async () => {
    const f = await udpFlood(d, SECONDS, { fixedRate: 5000 });
    assert.ok(f.alive, d.stderr());
    assert.ok(f.counted > 0 && f.counted <= f.sent, JSON.stringify(f));
    assert.ok(f.rssPeakMb < RSS_BOUND_MB, JSON.stringify(f));
  });

  test('TCP at full speed: back-pressure, not loss', async () => {
    const f = await tcpFlood(d, SECONDS);
    assert.ok(f.alive, d.stderr());
    assert.ok(f.sent > 0);
    assert.equal(f.counted, f.sent, 'every TCP line is read');
    assert.ok(f.rssPeakMb < RSS_BOUND_MB, JSON.stringify(f));
  });

  test('malformed frames close their connection and are counted; garbage datagrams are malformed lines; valid lines beside are all read', async () => {
    const f = await malformedFlood(d, SECONDS, { loops: 4, udpRate: 2000, validRate: 200 });
    assert.ok(f.alive, d.stderr());
    assert.ok(f.badConnections > 0);
    assert.equal(f.notClosed, 0, 'every connection with a bad frame is closed by the daemon');
    assert.equal(f.droppedTcp, f.badConnections, 'each bad frame is counted as a drop');
    assert.ok(f.malformed > 0 && f.malformed <= f.garbageSent + 1, JSON.stringify(f));
    assert.equal(f.validCounted, f.validSent);
    assert.ok(f.rssPeakMb < RSS_BOUND_MB, JSON.stringify(f));
  });

  test('a slow client and a frame never finished do not hold up another sender', async () => {
    const f = await slowClient(d, SECONDS, 500);
    assert.ok(f.alive, d.stderr());
    assert.ok(f.slowStillOpen, 'the slow clients were still mid-frame');
    assert.equal(f.validCountedWhileSlow, f.validSent);
    assert.ok(f.rssPeakMb < RSS_BOUND_MB, JSON.stringify(f));
  });

  test('1,000 idle connections are accepted and held; a valid sender still gets through', async () => {
    const f = await idleConnections(d, SECONDS, 1000, 0, 500);
    assert.ok(f.alive, d.stderr());
    assert.equal(f.heldAfterOpen, 1000);
    assert.equal(f.validCountedWhileHeld, f.validSent);
    assert.ok(f.rssPeakMb < RSS_BOUND_MB, JSON.stringify(f));
  });
});

test('past syslog.maxConnections new connections are refused at once and counted as drops', async (t) => {
  const d = await startFloodDaemon({ maxConnections: 200 });
  t.after(() => d.stop());
  // 150 idle (a valid sender beside them, stopped before the rest), then 100 more: 50 fit, 50 are refused.
  const f = await idleConnections(d, 1, 150, 100, 200);
  assert.equal(f.heldAfterOpen, 150);
  assert.equal(f.validCountedWhileHeld, f.validSent);
  assert.equal(f.refusedSeen, 50, JSON.stringify(f));
  assert.equal(f.droppedTcp, 50, 'each refusal is a counted drop');
  assert.ok(f.alive, d.stderr());
});
