/**
 * Text from logs or the network never reaches the terminal or a log line with its control characters: one case per
 * output (the analyze report, its errors, `wbguard status` from a daemon's answer, CLI errors, the JSON log).
 * The hostile text retitles an xterm (`ESC ] 0 ; … BEL`), clears the screen (C1 CSI) and forges a line (CR LF).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { runCli } from '../../../src/app/cli/program.js';
import { createLogger } from '../../../src/log.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { linesWithRawControl, RAW_CONTROL } from '../../helpers/raw-control.js';

const HOST = 'cms1\x1b]0;pwned\x07';
const SHOWN = 'cms1\\x1b]0;pwned\\x07';
const dir = mkdtempSync(join(tmpdir(), 'wbguard-printable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A log whose one Web Bridge's host name retitles an xterm. */
function hostileLog(): string {
  const log = join(dir, 'hostile.log');
  const stats = (minute: number, active: number) =>
    `Feb 23 09:0${minute}:21.594 user.info ${HOST} "webbridge": INFO : [DEBUGGING] Stats ${active}, c:3477, d:3170`;
  writeFileSync(log, `${stats(1, 10)}\n${stats(2, 11)}\n`);
  return log;
}

test('wbguard analyze: a host name holding an escape sequence is shown escaped, never sent raw', async () => {
  const io = memoryIo();
  assert.equal(await runCli(['analyze', hostileLog(), '--year', '2026'], io), 0);
  assert.ok(io.out().includes(SHOWN), io.out());
  assert.deepEqual(linesWithRawControl(io.out()), []);
  // The same report as JSON keeps the name as it was (JSON escapes it for any reader).
  const json = memoryIo();
  assert.equal(await runCli(['analyze', hostileLog(), '--year', '2026', '--json'], json), 0);
  assert.equal(JSON.parse(json.out()).webbridges[0].name, HOST);
});

test('wbguard analyze: an unreadable input named with control characters is reported escaped', async () => {
  const io = memoryIo();
  const missing = join(dir, `gone${HOST}\u009b2J.log`);
  assert.notEqual(await runCli(['analyze', missing, '--year', '2026'], io), 0);
  assert.ok(io.err().includes('\\u009b2J'), io.err());
  assert.deepEqual(linesWithRawControl(io.err()), []);
  assert.deepEqual(linesWithRawControl(io.out()), []);
});

/** A daemon on loopback whose answers hold hostile names (from its logs, or a daemon that is not ours). */
async function hostileDaemon(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  // The analysis of the hostile log, as a daemon would serve it, with the daemon's own fields beside.
  const analyzed = memoryIo();
  assert.equal(await runCli(['analyze', hostileLog(), '--year', '2026', '--json'], analyzed), 0);
  const report = JSON.parse(analyzed.out());
  const state = {
    ...report,
    clusterName: `paris${HOST}`,
    mode: 'observe\u009b2J',
    windowOpen: false,
    unknownHosts: { [HOST]: 3 },
    api: [
      { name: HOST, version: { version: '3.9\x1b[31m', affected: true, webBridge3Available: true, advice: 'x\r\ny' } },
    ],
    mmp: [{ name: HOST, ok: false, code: 'WBGUARD_ERR_SSH_AUTH' }],
    callbridges: [{ name: `cb${HOST}`, host: HOST, cma: 1, cmaPeak: 1, lastSeen: null, stale: false }],
    cluster: { ...report.cluster, invalidReasons: [`${HOST} is stale`] },
  };
  const series = { limit: 100, webbridges: [], callbridges: [], clusterLeaked: { t: [], v: [] } };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.searchParams.get('cluster') === 'rome') {
      answer(400, { error: `unknown cluster: rome${HOST}`, code: 'WBGUARD_ERR_HTTP_INPUT' });
    } else if (url.pathname === '/api/v1/clusters') {
      answer(200, [state]);
    } else if (url.pathname === '/api/v1/history') {
      answer(200, series);
    } else {
      answer(404, { error: 'not found', code: 'WBGUARD_ERR_HTTP_NOT_FOUND' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test("wbguard status: the daemon's names, versions and errors are shown escaped", async (t) => {
  const url = await hostileDaemon(t);
  const io = memoryIo({ T: 'tok-123456' });
  assert.equal(await runCli(['status', '--url', url, '--token', 'env:T'], io), 0, io.err());
  assert.ok(io.out().includes(SHOWN), io.out());
  assert.ok(io.out().includes('observe\\u009b2J'));
  assert.deepEqual(linesWithRawControl(io.out()), []);

  // A refusal's message goes through the CLI's error printer.
  const refused = memoryIo({ T: 'tok-123456' });
  assert.equal(await runCli(['status', '--url', url, '--token', 'env:T', '--cluster', 'rome'], refused), 2);
  assert.ok(refused.err().includes(`unknown cluster: rome${SHOWN}`), refused.err());
  assert.deepEqual(linesWithRawControl(refused.err()), []);
});

test('the JSON log: fields and messages hold no raw control character, and keep their value', () => {
  const destination = new PassThrough();
  let written = '';
  destination.on('data', (chunk) => {
    written += chunk;
  });
  const log = createLogger({ destination });
  log.warn({ host: HOST, tag: 'web\u009b2J\u202e' }, `syslog from unknown host ${HOST}\r\nforged`);
  const lines = written.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0] as string, RAW_CONTROL);
  const entry = JSON.parse(lines[0] as string);
  assert.equal(entry.host, HOST);
  assert.equal(entry.tag, 'web\u009b2J\u202e');
});

test('wbguard restart: an unreadable --logs input and the plan are shown escaped', async () => {
  const { oneNodeLab } = await import('../../helpers/lab-config.js');
  const config = join(dir, 'restart.yaml');
  writeFileSync(config, JSON.stringify(oneNodeLab(dir)));
  const io = memoryIo();
  const missing = join(dir, `gone${HOST}\u009b2J.log`);
  await runCli(['restart', 'cms1', '--config', config, '--logs', hostileLog(), missing, '--dry-run'], io);
  assert.ok(io.err().includes('\\u009b2J'), io.err());
  assert.match(io.out(), /cms1/);
  assert.deepEqual(linesWithRawControl(io.err()), []);
  assert.deepEqual(linesWithRawControl(io.out()), []);
});
