/**
 * `wbguard doctor` against a healthy simulated cluster, listening on the configured syslog address: every check ✔,
 * exit 0, only read-only commands reach the MMPs, and the --report file holds what was seen but no secret.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SIM_PASSWORD } from '../../sim/helpers.js';
import { doctorCluster, failures } from './fixture.js';

test('a healthy cluster: all ✔, exit 0, nothing changed, a report without secrets', async (t) => {
  const f = await doctorCluster(t);
  const report = join(f.dir, 'doctor-report.json');
  const r = await f.doctor(['--listen-seconds', '3', '--report', report]);
  assert.equal(r.code, 0, `${r.out}\n${r.err}`);
  assert.doesNotMatch(r.out, /^ {2}[!✘] /m, r.out);
  assert.match(r.out, /^\d+ ✔ {2}0 ! {2}0 ✘$/m);
  for (const name of ['cms1', 'cms2']) {
    assert.match(r.out, new RegExp(`✔ ${name}: \\d+ lines from 127\\.0\\.0\\.1 over udp; BSD stamps without a year`));
    assert.match(r.out, new RegExp(`✔ ${name}: Web Bridge Stats: \\d+ seen, every 1\\.0 s`));
    assert.match(r.out, new RegExp(`✔ ${name}: Call Bridge STATS: \\d+ seen`));
    assert.match(r.out, new RegExp(`✔ ${name}: stamps are \\d+\\.\\d s (ahead of|behind) this host's clock`));
    assert.match(
      r.out,
      new RegExp(
        `✔ ${name} 127\\.0\\.0\\.1:\\d+: host key trusted \\(pinned in webbridges\\[\\]\\.hostKey\\): ssh-ed25519 SHA256:`,
      ),
    );
    assert.match(r.out, new RegExp(`✔ ${name} 127\\.0\\.0\\.1:\\d+: CMS 2\\.8\\.3: affected`));
    assert.match(r.out, new RegExp(`✔ ${name} https://127\\.0\\.0\\.1:\\d+/api/v1: reachable; TLS verified`));
  }
  // The status output, verbatim, under its check.
  assert.match(r.out, /`webbridge` printed \(exit 0\):\n(\s+\| .*\n)*\s+\| Status\s*: running/);
  assert.match(r.out, /page size: asked 1000/);
  assert.equal(failures(r.out), '');
  // Never changes anything: the MMPs saw `webbridge` and `version` only, and no restart.
  const commands = f.commands().map((c) => c.replace(/^.*: /, ''));
  assert.ok(commands.length >= 4, commands.join(', '));
  assert.deepEqual([...new Set(commands)].sort(), ['version', 'webbridge']);
  assert.ok(f.sim.state().webbridges.every((w) => w.restarts === 0));
  // The report: the facts for a support case, readable only by its owner, no secret anywhere.
  const text = readFileSync(report, 'utf8');
  assert.equal(statSync(report).mode & 0o077, 0);
  assert.ok(!text.includes(SIM_PASSWORD), 'the password is not in the report');
  assert.ok(!r.out.includes(SIM_PASSWORD), 'the password is not printed');
  const doc = JSON.parse(text);
  assert.equal(doc.syslog.source, 'listen');
  const cms1 = doc.syslog.hosts.find((h: { host: string }) => h.host === 'cms1');
  assert.deepEqual(cms1.stampShapes, ['BSD without year']);
  assert.ok(Math.abs(cms1.webBridgeStats.intervalMs - 1000) < 50, JSON.stringify(cms1));
  assert.match(cms1.webBridgeStats.sample, /Stats \d+, c:\d+, d:\d+/);
  assert.match(cms1.callBridgeStats.sample, /STATS: \{/);
  assert.equal(doc.mmp[0].version, '2.8.3');
  assert.match(doc.mmp[0].webbridgeOutput, /Status\s*: running/);
  assert.equal(doc.api[0].version, '2.8.3');
  assert.equal(doc.api[0].pageAsked, 1000);
});
