/**
 * `wbguard doctor` as a verb: the read-only MMP wrapper refuses anything but `webbridge` and `version` before a
 * connection is made; a configuration that cannot be read is a ✘ and exit 2; bad flags exit 2; --json; and with a
 * running daemon holding the syslog address, its API is asked instead of listening.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../../src/app/cli/program.js';
import { loadConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { ReadOnlyMmp } from '../../../src/app/doctor/read-only-mmp.js';
import { mmpClientFor, targetFor } from '../../../src/app/restart/mmp-wiring.js';
import { RestartRefusedError } from '../../../src/errors.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { SIM_PASSWORD, tempDir } from '../../sim/helpers.js';
import { doctorCluster } from './fixture.js';

test('the read-only MMP refuses a restart, and any other command, before connecting', async (t) => {
  const f = await doctorCluster(t, 1);
  const config = await loadConfig(f.configPath, { env: f.env });
  const mmp = new ReadOnlyMmp(mmpClientFor(config, f.env));
  const target = targetFor(config, 'cms1');
  for (const command of [
    'webbridge restart',
    'webbridge3 restart',
    config.mmp.restartCommand,
    'reboot',
    'webbridge enable',
  ]) {
    await assert.rejects(mmp.exec(target, command, { commandTimeoutMs: 10_000 }), (err: unknown) => {
      assert.ok(err instanceof RestartRefusedError);
      assert.equal(err.code, 'WBGUARD_ERR_REFUSED');
      return true;
    });
  }
  assert.deepEqual(f.commands(), [], 'nothing reached the MMP');
  const r = await mmp.exec(target, ' webbridge ', { commandTimeoutMs: 10_000 });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(
    f.commands().map((c) => c.replace(/^.*: /, '')),
    ['webbridge'],
  );
  assert.equal(f.sim.state().webbridges[0]?.restarts, 0);
});

test('a configuration that cannot be used: its problems as a ✘, exit 2', async (t) => {
  const dir = tempDir(t, 'wbguard-doctor-cfg-');
  const path = join(dir, 'wbguard.yaml');
  writeFileSync(path, 'webbridges:\n  - name: cms1\n    mmp: 10.0.0.1\n    colour: blue\n');
  const io = memoryIo({});
  assert.equal(await runCli(['doctor', '--config', path], io), 2);
  assert.match(io.out(), /✘ .*wbguard\.yaml: .* has 1 problem\n\s+\| webbridges\.0.*colour/);
  assert.match(io.out(), /fix: /);
  assert.match(io.out(), /^0 ✔ {2}0 ! {2}1 ✘ {2}\(exit 2: fix each ✘ above\)$/m);
  const missing = memoryIo({});
  assert.equal(await runCli(['doctor', '--config', join(dir, 'nope.yaml')], missing), 2);
  assert.match(missing.out(), /✘ .*nope\.yaml: cannot read the configuration/);
});

test('--report: an older report file is made private; a report that cannot be written is said, never claimed', async (t) => {
  const dir = tempDir(t, 'wbguard-doctor-report-');
  const path = join(dir, 'wbguard.yaml');
  writeFileSync(path, 'webbridges: 7\n');
  const report = join(dir, 'report.json');
  writeFileSync(report, 'old', { mode: 0o644 });
  const io = memoryIo({});
  assert.equal(await runCli(['doctor', '--config', path, '--report', report], io), 2);
  assert.equal(statSync(report).mode & 0o777, 0o600);
  assert.match(readFileSync(report, 'utf8'), /"checks"/);
  assert.match(io.out(), /report written to /);
  const nowhere = join(dir, 'no-such-folder', 'report.json');
  const failed = memoryIo({});
  assert.equal(await runCli(['doctor', '--config', path, '--report', nowhere], failed), 2);
  assert.match(failed.err(), /cannot write the report \[path:.*no-such-folder/);
  assert.doesNotMatch(failed.out(), /report written/);
});

test('bad flags are usage errors (exit 2), each naming the flag, its range and the value', async () => {
  for (const value of ['0', '3601', 'ten', '1e2', '-5', '0x10', '']) {
    const io = memoryIo({});
    assert.equal(await runCli(['doctor', '--listen-seconds', value], io), 2, value);
    assert.ok(
      io.err().includes(`--listen-seconds must be a whole number from 1 to 3600 [value:${value}]`),
      `${value}: ${io.err()}`,
    );
  }
  const io = memoryIo({});
  assert.equal(await runCli(['doctor', '--colour'], io), 2);
});

test('--json: the checks and what was observed, without secrets', async (t) => {
  const f = await doctorCluster(t, 1);
  await f.logsReady();
  const r = await f.doctor(['--logs', f.logs, '--json']);
  assert.equal(r.code, 0, r.out);
  const doc = JSON.parse(r.out) as { checks: Array<{ status: string; area: string }>; syslog: { source: string } };
  assert.ok(!r.out.includes(SIM_PASSWORD), 'no password in the JSON');
  assert.equal(doc.syslog.source, 'logs');
  assert.ok(doc.checks.length > 10);
  assert.ok(doc.checks.every((c) => c.status === 'ok'));
  assert.deepEqual(
    [...new Set(doc.checks.map((c) => c.area))],
    ['config', 'state', 'analysis', 'clock', 'syslog', 'api', 'mmp'],
  );
});

test('--logs: a pipe named on the command line (`<(cat …)`) is read once, not opened again for its lines', async (t) => {
  const f = await doctorCluster(t, 1);
  await f.logsReady();
  const fifo = join(tempDir(t, 'wbguard-doctor-fifo-'), 'logs.pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  // Written once by another process, then closed: opened again, the pipe would wait for a writer for ever.
  const writer = spawn('sh', ['-c', 'cat "$1"/*.log > "$2"', 'sh', f.logs, fifo]);
  // Were the pipe opened again, this late writer would be what ended the wait (a hang without it): the doctor must
  // have answered before it comes.
  const late = spawn('sh', ['-c', 'sleep 20; exec 3>"$1"; sleep 1', 'sh', fifo]);
  t.after(() => {
    writer.kill();
    late.kill();
  });
  const r = await f.doctor(['--logs', fifo, '--json']);
  assert.equal(late.exitCode, null, 'answered before the late writer opened the pipe');
  assert.equal(r.code, 0, r.out);
  const doc = JSON.parse(r.out) as { checks: Array<{ status: string; area: string }>; syslog: { source: string } };
  assert.equal(doc.syslog.source, 'logs');
  assert.ok(doc.checks.filter((c) => c.area === 'syslog').length > 0);
  assert.ok(
    doc.checks.every((c) => c.status === 'ok'),
    r.out,
  );
});

test('with a daemon running on the syslog address, its API is asked instead of listening', async (t) => {
  const f = await doctorCluster(t, 2);
  const config = await loadConfig(f.configPath, { env: f.env });
  const daemon = await startDaemon(config, { env: f.env, evaluateEveryMs: 3_600_000, probeFirstAfterMs: 3_600_000 });
  t.after(() => daemon.close());
  await new Promise((r) => setTimeout(r, 2500)); // Stats and STATS reach the daemon
  const r = await f.doctor(['--listen-seconds', '1']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /✔ source: the running daemon at http:\/\/127\.0\.0\.1:\d+ answers/);
  assert.match(r.out, /✔ cms1: Web Bridge Stats: last at \S+ \(\d+ s ago\), by the running daemon/);
  assert.match(r.out, /✔ cms2: Call Bridge STATS: last at \S+ \(\d+ s ago\), by the running daemon/);
  assert.doesNotMatch(r.out, /cannot listen/);
});

test('warnings: CMS 2.9 without Web Bridge 3 (the real fix), mixed CMA clients, no statusPattern, a slow refusal pattern; exit 0', async (t) => {
  const f = await doctorCluster(t, 1, { softwareVersion: '2.9.2' });
  const base = f.base();
  f.writeConfig({
    ...base,
    analysis: { cmaClients: 'mixed', joinRefusedPatterns: ['join refused', '[jJ][oO][iI][nN]|too full'] },
    mmp: { ...(base.mmp as object), statusPattern: '' },
  });
  await f.logsReady();
  const r = await f.doctor(['--logs', f.logs]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /! cms1 \S+: CMS 2\.9\.2: affected while Web Bridge 2 is used; Web Bridge 3 is available/);
  assert.match(r.out, /fix: plan the move to Web Bridge 3/);
  assert.match(
    r.out,
    /! cms1 https:\S+: CMS 2\.9\.2 offers Web Bridge 3, which does not leak, but none is configured \(\/webBridges: https:\/\/cms1\.example\.com\)/,
  );
  assert.match(r.out, /! analysis\.cmaClients: mixed: .*only a lower bound/);
  assert.match(r.out, /\| mmp\.statusPattern is empty/);
  assert.match(
    r.out,
    /! analysis\.joinRefusedPatterns: "\[jJ\]\[oO\]\[iI\]\[nN\]\|too full": no plain part every match holds, so every line at a refusal level is read the slow way/,
  );
  assert.match(r.out, /^\d+ ✔ {2}5 ! {2}0 ✘$/m);
});

test("syslog through a syslog server's files (`files:` and no listener): the files are read", async (t) => {
  const f = await doctorCluster(t, 1);
  const { syslog: _, ...base } = f.base();
  f.writeConfig({ ...base, files: [{ path: join(f.logs, '*.log') }] });
  await f.logsReady();
  const r = await f.doctor([]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /✔ cms1: \d+ lines in .*cms1\.log; BSD stamps without a year/);
  assert.doesNotMatch(r.out, /listen/);
});

test("CMS 2.9 with a Web Bridge 3 configured: named from the API's c2w:// Web Bridge", async (t) => {
  const f = await doctorCluster(t, 1, { softwareVersion: '2.9.2', webbridge3Nodes: ['cms1'] });
  await f.logsReady();
  const r = await f.doctor(['--logs', f.logs]);
  assert.match(r.out, /✔ cms1 https:\S+: CMS 2\.9\.2: Web Bridge 3 configured \(c2w:\/\/cms1\.example\.com:6000\)/);
});

test('the page size the CMS API really grants, and join refusals at the limit', async (t) => {
  // Two busy hours: the Web Bridge sits at its limit, its Call Bridge carries more legs than one page holds.
  const f = await doctorCluster(t, 1, { joinRate: 3000, start: new Date(Date.now() - 2 * 3_600_000).toISOString() });
  await f.logsReady();
  const r = await f.doctor(['--logs', f.logs]);
  assert.equal(r.code, 0, r.out);
  assert.match(
    r.out,
    /✔ cms1 https:\S+: page size: asked 1000 call legs, the server sent 100 of \d{3} \(its maximum page\)/,
  );
  assert.match(r.out, /! cms1: join refusals: \d+ seen \(the Web Bridge was at its limit\)/);
  // What a refusal looks like is a setting: by another wording (its literal part searched, at any level), refusals
  // still (the simulator keeps logging: their number grows between runs); by one the Web Bridge never logs, none, and no word of the assumed wording then.
  f.writeConfig({
    ...f.base(),
    analysis: { joinRefusedPatterns: ['LIMIT REACHED \\(\\d+\\)'], joinRefusedLevels: [] },
  });
  const other = await f.doctor(['--logs', f.logs]);
  assert.match(other.out, /! cms1: join refusals: \d+ seen \(the Web Bridge was at its limit\)/);
  f.writeConfig({ ...f.base(), analysis: { joinRefusedPatterns: ['guest turned away'] } });
  const none = await f.doctor(['--logs', f.logs]);
  assert.match(none.out, /✔ cms1: join refusals: none seen\n/);
});

test('no join refusal seen by the assumed wording: the doctor says the wording is assumed', async (t) => {
  const f = await doctorCluster(t, 1);
  await f.logsReady();
  const r = await f.doctor(['--logs', f.logs]);
  assert.match(r.out, /✔ cms1: join refusals: none seen \(by the assumed wording: .*analysis\.joinRefusedPatterns/);
  assert.match(r.out, /✔ analysis\.joinRefusedPatterns: 4 pattern\(s\), looked for in lines holding ERROR or WARN/);
});

test('a listen too short for the 5-minute Call Bridge STATS is a warning that says how long to listen', async (t) => {
  const f = await doctorCluster(t, 1, { callbridgeStatsInterval: '5m' });
  const { alerting: _, ...base } = f.base();
  f.writeConfig(base);
  const r = await f.doctor(['--listen-seconds', '2']);
  assert.equal(r.code, 0, r.out);
  assert.match(
    r.out,
    /! cms1: Call Bridge STATS: none in 2 s \(assumed interval 300 s\)\n\s+fix: listen longer: --listen-seconds 330 hears one/,
  );
});
