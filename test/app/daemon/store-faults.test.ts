/**
 * The store refusing writes while the daemon runs: the disk is full (a tiny tmpfs as the state folder, filled), or
 * another process holds an exclusive lock on the SQLite file. Each gives a coded error naming the file in the log,
 * a `store-failed` alert, a daemon that answers and keeps ingesting to memory, and — once the fault goes — the
 * alert's recovery and every record held back written. At start-up a locked store is a clear error and exit 1.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type TestContext, test } from 'node:test';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { createSink, parseSinkUrl } from '../../../src/sim/syslog/sinks.js';
import { webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { capturingLogger } from '../../helpers/capturing-logger.js';
import { httpReceiver } from '../../helpers/receivers.js';
import { until } from '../../helpers/until.js';

type Daemon = Awaited<ReturnType<typeof startDaemon>>;

function configIn(state: string, hookUrl: string) {
  return parseConfig(
    {
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      callbridges: [{ name: 'cms1' }],
      mmp: { probeEveryMs: 0 },
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0' },
      policy: { mode: 'observe' },
      alerts: [{ type: 'webhook', url: 'env:HOOK', events: ['store-failed'] }],
      state,
    },
    { env: { HOOK: `${hookUrl}/hook` } },
  );
}

/** Sends `count` Stats lines for cms1 (active = first + i) and waits until the daemon has read them. */
async function send(daemon: Daemon, first: number, count: number, at: number): Promise<void> {
  const before = daemon.state.lines.webbridgeStats;
  const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${daemon.listeners[0]?.port}?framing=octet`));
  for (let i = 0; i < count; i++) {
    sink.send('cms1', webBridgeStatsLine(at + i, 'cms1', first + i, i, 0));
  }
  await until(() => daemon.state.lines.webbridgeStats === before + count, 10_000, 'the lines read');
  await sink.close();
}

async function healthy(daemon: Daemon): Promise<boolean> {
  const r = await fetch(`${daemon.url}/healthz`);
  return r.ok && ((await r.json()) as { ok: boolean }).ok;
}

/** The hook's notices as `status event`. */
function notices(hook: Awaited<ReturnType<typeof httpReceiver>>): string[] {
  return hook.posts.map((p) => {
    const b = JSON.parse(p.body) as { status: string; event: string };
    return `${b.status} ${b.event}`;
  });
}

/** Evaluates until the daemon's store takes writes again (its back-off is at most 10 s), bounded. */
async function untilStoreRecovers(daemon: Daemon): Promise<void> {
  await until(
    async () => {
      await daemon.state.flush();
      return daemon.state.heldBack === 0;
    },
    25_000,
    'the store to take the held-back records',
  );
}

test('disk full under the store: coded error naming the file, store-failed alert, still up; nothing lost once there is space', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-diskfull-'));
  const state = join(dir, 'state');
  mkdirSync(state, { mode: 0o700 });
  let daemon: Daemon | undefined;
  const hook = await httpReceiver();
  t.after(async () => {
    await daemon?.close();
    await hook.close();
    spawnSync('umount', [state]);
    rmSync(dir, { recursive: true, force: true });
  });
  // We run as root, in CI too: a 2 MB tmpfs is the full disk. If it cannot be mounted this test must fail, loudly.
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', state], { encoding: 'utf8' });
  assert.equal(
    mount.status,
    0,
    `cannot mount a tmpfs to fill (this test needs root and mount): ${mount.stderr || mount.error?.message}`,
  );
  const logs: string[] = [];
  const clock = Date.now();
  daemon = await startDaemon(configIn(state, hook.url), {
    env: { HOOK: `${hook.url}/hook` },
    evaluateEveryMs: 3_600_000,
    log: capturingLogger(logs),
    alertRetryDelaysMs: [],
    now: () => clock,
  });
  await send(daemon, 1, 50, clock - 60_000);
  await daemon.state.flush();
  assert.equal(await daemon.store.countRecords(), 50);

  // Fill the file system to the last byte.
  const filler = join(state, 'filler');
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (let i = 0; i < 1000; i++) {
      writeSync(fd, block);
    }
    assert.fail('the 2 MB tmpfs never filled');
  } catch (err) {
    assert.equal((err as { code?: string }).code, 'ENOSPC');
  }
  for (let size = 4096; size >= 1; size = Math.floor(size / 2)) {
    try {
      for (let i = 0; i < 100; i++) {
        writeSync(fd, block.subarray(0, size));
      }
    } catch {
      // full at this size; try smaller
    }
  }
  closeSync(fd);

  // 400 more lines: read into memory (the live picture has them), refused by the store.
  await send(daemon, 100, 400, clock - 30_000);
  await daemon.state.flush();
  assert.ok(daemon.state.heldBack > 0, 'records are held back while the disk is full');
  const refusal = logs.find((l) => l.includes('store refused a write'));
  assert.ok(refusal, logs.join('\n'));
  assert.match(refusal, /WBGUARD_ERR_STORE_FULL/);
  assert.ok(refusal.includes(join(state, 'wbguard.db')), 'the log line names the file');
  assert.match(refusal, /free space/);
  assert.equal(logs.filter((l) => l.includes('store refused a write')).length, 1, 'said once, not at every commit');
  assert.ok(await healthy(daemon));
  assert.equal(daemon.state.report(clock).webbridges[0]?.active, 499, 'the live picture has the newest line');

  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(notices(hook), ['firing store-failed']);
  const body = JSON.parse(hook.posts[0]?.body ?? '{}') as { summary: string; facts: Record<string, unknown> };
  assert.equal(body.facts.code, 'WBGUARD_ERR_STORE_FULL');
  assert.ok((body.facts.heldBack as number) > 0);
  assert.match(body.summary, /wbguard\.db/);
  const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
  assert.match(metrics, /wbguard_syslog_messages_total\{transport="tcp"\} 450/);

  // Space again: the held-back records are written, in full, and the alert recovers.
  unlinkSync(filler);
  await untilStoreRecovers(daemon);
  assert.equal(await daemon.store.countRecords(), 450, 'every record read while the disk was full is stored');
  assert.ok(logs.some((l) => l.includes('store takes writes again')));
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(notices(hook), ['firing store-failed', 'recovered store-failed']);
  assert.ok(await healthy(daemon));
});

/** A child process holding `BEGIN EXCLUSIVE` on the file until told to let go (or killed). */
async function lockHolder(t: TestContext, path: string): Promise<{ release(): Promise<void> }> {
  const code = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(path)});
    db.exec('BEGIN EXCLUSIVE');
    console.log('locked');
    process.stdin.on('data', () => { db.exec('COMMIT'); db.close(); console.log('released'); process.exit(0); });
  `;
  const child: ChildProcess = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => {
    child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const seen: string[] = [];
  lines.on('line', (l) => seen.push(l));
  await until(() => seen.includes('locked'), 10_000, 'the lock holder to lock');
  return {
    async release() {
      child.stdin?.write('go\n');
      await until(() => seen.includes('released'), 10_000, 'the lock holder to let go');
    },
  };
}

test('the store file locked by another process: alert while running, everything written after; at start-up a clear error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-locked-'));
  const state = join(dir, 'state');
  const hook = await httpReceiver();
  let daemon: Daemon | undefined;
  t.after(async () => {
    await daemon?.close();
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const logs: string[] = [];
  const clock = Date.now();
  const config = configIn(state, hook.url);
  daemon = await startDaemon(config, {
    env: { HOOK: `${hook.url}/hook` },
    evaluateEveryMs: 3_600_000,
    log: capturingLogger(logs),
    alertRetryDelaysMs: [],
    now: () => clock,
  });
  await send(daemon, 1, 20, clock - 60_000);
  await daemon.state.flush();
  const path = join(state, 'wbguard.db');
  const holder = await lockHolder(t, path);

  await send(daemon, 100, 30, clock - 30_000);
  await daemon.state.flush();
  assert.equal(daemon.state.heldBack, 30);
  const refusal = logs.find((l) => l.includes('store refused a write'));
  assert.ok(refusal, logs.join('\n'));
  assert.match(refusal, /WBGUARD_ERR_STORE_LOCKED/);
  assert.ok(refusal.includes(path));
  assert.match(refusal, /fuser/);
  // Backing off: the next commits are refused at once, without another 2 s wait on the lock.
  const t0 = performance.now();
  await send(daemon, 200, 5, clock - 20_000);
  await daemon.state.flush();
  assert.ok(performance.now() - t0 < 1500, 'a commit during the back-off does not wait on the lock');
  assert.equal(daemon.state.heldBack, 35);
  assert.ok(await healthy(daemon));
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(notices(hook), ['firing store-failed']);
  assert.match(hook.posts[0]?.body ?? '', /WBGUARD_ERR_STORE_LOCKED/);

  // A second wbguard on the same state folder, while the lock is held: a coded error naming the file, exit 1.
  const { runCli } = await import('../../../src/app/cli/program.js');
  const { memoryIo } = await import('../../helpers/cli-io.js');
  const { writeFileSync } = await import('node:fs');
  const { stringify } = await import('yaml');
  const second = join(dir, 'second.yaml');
  writeFileSync(
    second,
    stringify({
      cluster: 'lab',
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0' },
      mmp: { probeEveryMs: 0 },
      state,
    }),
  );
  await assert.rejects(
    startDaemon(parseConfig({ cluster: 'lab', http: { listen: '127.0.0.1:0' }, state }, { env: {} }), { env: {} }),
    (err: Error & { code?: string }) => err.code === 'WBGUARD_ERR_STORE_LOCKED' && err.message.includes(path),
  );
  const io = memoryIo();
  assert.equal(await runCli(['run', '--config', second], io), 1);
  assert.ok(io.err().includes(path), io.err());
  assert.match(io.err(), /fuser/);

  await holder.release();
  await untilStoreRecovers(daemon);
  assert.equal(await daemon.store.countRecords(), 55, 'every record read while the file was locked is stored');
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(notices(hook), ['firing store-failed', 'recovered store-failed']);
});
