/**
 * `wbguard doctor` listening on `syslog.tls` (RFC 5425): the simulator sends its syslog over TLS, verifying the
 * listener's certificate, and the doctor hears each node over tls; a certificate it cannot use is named with the keys to fix.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadOrCreateCert } from '../../../src/sim/api/tls-cert.js';
import { reservePort } from '../../helpers/free-port.js';
import { tempDir } from '../../sim/helpers.js';
import { doctorCluster, failures } from './fixture.js';

test('the TLS syslog listener: the simulator’s lines arrive over tls', async (t) => {
  const cert = await loadOrCreateCert(join(tempDir(t, 'wbguard-doctor-tls-'), 'tls'));
  // Held until the simulator's servers are up, so that none of them (its SSH server once) is given this port.
  const reservation = await reservePort();
  const port = reservation.port;
  const f = await doctorCluster(t, 1, { syslog: [`tls://localhost:${port}?ca=${cert.certPath}`] }).finally(() =>
    reservation.release(),
  );
  const { syslog: _, ...base } = f.base();
  f.writeConfig({
    ...base,
    syslog: { tls: { listen: `127.0.0.1:${port}`, cert: cert.certPath, key: `file:${cert.keyPath}` } },
  });
  // Long enough for the simulator's reconnection back-off to find the listener, then Stats and STATS to arrive.
  const r = await f.doctor(['--listen-seconds', '8']);
  assert.equal(failures(r.out), '', r.out);
  assert.match(r.out, /✔ cms1: \d+ lines from 127\.0\.0\.1 over tls; BSD stamps without a year/);
  assert.match(r.out, /✔ cms1: Web Bridge Stats: \d+ seen, every 1\.0 s/);
  assert.match(r.out, /✔ cms1: Call Bridge STATS: \d+ seen/);
  assert.doesNotMatch(r.out, /over udp|cannot listen/);
  assert.equal(r.code, 0, r.out);

  // A certificate file that is not PEM: the listener cannot start, and the fix names the TLS keys.
  const notPem = join(f.dir, 'not-a-cert.pem');
  writeFileSync(notPem, 'not a certificate\n');
  f.writeConfig({
    ...base,
    syslog: { tls: { listen: `127.0.0.1:${port}`, cert: notPem, key: `file:${cert.keyPath}` } },
  });
  const bad = await f.doctor(['--listen-seconds', '1']);
  assert.equal(bad.code, 1, bad.out);
  assert.match(
    failures(bad.out),
    /✘ tls 127\.0\.0\.1:\d+: cannot listen \(\S+\)\n\s+fix: check that syslog\.tls\.cert is a PEM certificate and syslog\.tls\.key refers to its PEM private key/,
  );
});
