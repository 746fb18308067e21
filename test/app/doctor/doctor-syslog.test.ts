/**
 * `wbguard doctor` listening on the configured syslog address: no syslog arriving, one node silent, a CMS clock
 * running ahead, a host the configuration does not know, and an address another program holds.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { freePort } from '../../helpers/free-port.js';
import { flood } from '../../helpers/held-udp-socket.js';
import { doctorCluster, failures } from './fixture.js';

test('listening: each syslog problem is named, with its fix', async (t) => {
  const f = await doctorCluster(t);
  const base = f.base();

  await t.test('no syslog arriving (the CMS sends elsewhere)', async () => {
    f.writeConfig({ ...base, syslog: { udp: `127.0.0.1:${await freePort()}` } });
    const r = await f.doctor(['--listen-seconds', '2']);
    f.writeConfig(base);
    assert.equal(r.code, 1, r.out);
    const failed = failures(r.out);
    assert.match(failed, /✘ all nodes: no syslog arrived in 2 s/);
    assert.match(failed, /fix: on each CMS: syslog server add, to udp 127\.0\.0\.1:\d+ \(exact MMP syntax unconfirmed/);
  });

  await t.test('senders outside syslog.allow', async () => {
    f.writeConfig({ ...base, syslog: { udp: `127.0.0.1:${f.syslogPort}`, allow: ['10.9.9.0/24'] } });
    const r = await f.doctor(['--listen-seconds', '2']);
    f.writeConfig(base);
    assert.equal(r.code, 1, r.out);
    const failed = failures(r.out);
    assert.match(
      failed,
      /✘ udp 127\.0\.0\.1:\d+: \d+ messages refused: their senders are not in syslog\.allow\n\s+fix: add the CMS addresses to syslog\.allow/,
    );
    assert.match(failed, /✘ all nodes: no syslog arrived in 2 s/);
  });

  await t.test('one node silent', async () => {
    f.sim.cluster.setFaults('cms2', { syslogSilent: true });
    const r = await f.doctor(['--listen-seconds', '2']);
    f.sim.cluster.setFaults('cms2', { syslogSilent: false });
    assert.equal(r.code, 1, r.out);
    const failed = failures(r.out);
    assert.match(failed, /✘ cms2: nothing from cms2 in 2 s, while other nodes send/);
    assert.match(
      failed,
      new RegExp(
        `fix: on cms2's MMP: syslog server add, to udp 127\\.0\\.0\\.1:${f.syslogPort}; or, .* set syslogHost of cms2`,
      ),
    );
    assert.doesNotMatch(failed, /cms1/);
    assert.match(r.out, /✔ cms1: Web Bridge Stats: \d+ seen/);
  });

  await t.test('a CMS clock ahead, a host not configured, no Stats from a node that sends other lines', async () => {
    // Lines of our own, sent as a CMS would: cms9 is unknown; cms1's stamps run 10 minutes ahead.
    const stamp = (d: Date) =>
      `${d.toUTCString().slice(8, 11)} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 23)}`;
    const sock = createSocket('udp4');
    t.after(() => sock.close());
    f.sim.cluster.setFaults('cms1', { syslogSilent: true });
    const sending = setInterval(() => {
      const now = new Date();
      for (const line of [
        `<14>${stamp(new Date(now.getTime() + 600_000))} user.info cms1 host:server: INFO : call 7: ending`,
        `<14>${stamp(now)} user.info cms9 "webbridge": INFO : [DEBUGGING] Stats 3, c:4, d:1`,
      ]) {
        sock.send(line, f.syslogPort, '127.0.0.1');
      }
    }, 200);
    const r = await f.doctor(['--listen-seconds', '3']);
    clearInterval(sending);
    f.sim.cluster.setFaults('cms1', { syslogSilent: false });
    assert.equal(r.code, 1, r.out);
    const failed = failures(r.out);
    assert.match(failed, /✘ cms1: stamps are (599|600|601) s ahead of this host's clock/);
    assert.match(failed, /fix: put the CMS \(MMP: ntp server add …\) and this host on NTP/);
    assert.match(failed, /✘ cms1: Web Bridge Stats: none in 3 s, though other lines arrive/);
    assert.match(r.out, /! unknown hosts: lines from hosts not in the configuration: cms9 \(\d+, 127\.0\.0\.1\)/);
  });

  await t.test('a UDP receive buffer the kernel caps is named, with what to raise', async () => {
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    const asked = rmemMax + 65_536;
    f.writeConfig({ ...base, syslog: { udp: `127.0.0.1:${f.syslogPort}`, udpReceiveBufferBytes: asked } });
    const r = await f.doctor(['--listen-seconds', '1']);
    f.writeConfig(base);
    assert.match(
      r.out,
      new RegExp(
        `! udp 127\\.0\\.0\\.1:${f.syslogPort}: receive buffer ${rmemMax} bytes, of ${asked} asked \\(syslog\\.udpReceiveBufferBytes\\): the kernel caps it at net\\.core\\.rmem_max`,
      ),
    );
    assert.match(r.out, new RegExp(`fix: sysctl -w net\\.core\\.rmem_max=${asked}`));
  });

  await t.test('datagrams the kernel dropped at the socket while listening are named', async () => {
    f.writeConfig({ ...base, syslog: { udp: `127.0.0.1:${f.syslogPort}`, udpReceiveBufferBytes: 65_536 } });
    let done = false;
    const doctor = f.doctor(['--listen-seconds', '3']).finally(() => {
      done = true;
    });
    // Bursts faster than its thread reads, until the doctor is done (the first may come before it listens).
    while (!done) {
      await flood('udp4', '127.0.0.1', f.syslogPort, 20_000);
      await new Promise((r) => setTimeout(r, 300));
    }
    const r = await doctor;
    f.writeConfig(base);
    assert.match(
      r.out,
      new RegExp(
        `! udp 127\\.0\\.0\\.1:${f.syslogPort}: the kernel dropped \\d+ datagrams at this socket in 3 s \\(its receive buffer was full\\)`,
      ),
    );
    assert.match(r.out, /fix: raise syslog\.udpReceiveBufferBytes \(and net\.core\.rmem_max\), or prefer TCP or TLS/);
  });

  await t.test('the syslog address is held by another program', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(f.syslogPort, '127.0.0.1', () => resolve()));
    try {
      const r = await f.doctor(['--listen-seconds', '1']);
      assert.equal(r.code, 1, r.out);
      assert.match(
        failures(r.out),
        /✘ udp 127\.0\.0\.1:\d+: cannot listen \(EADDRINUSE\)\n\s+fix: another program holds 127\.0\.0\.1:\d+ .*: stop it for the check, give --logs, or change syslog\.udp/,
      );
    } finally {
      holder.close();
    }
  });
});
