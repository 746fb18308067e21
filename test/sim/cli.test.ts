/** `wbguard sim` as a process: it prints where it listens, stops cleanly on SIGTERM, and names bad options. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/run.js';
import { tempDir } from './helpers.js';

const MAIN = new URL('../../src/app/cli/main.ts', import.meta.url).pathname;

test('prints its endpoints as JSON, serves them, and stops cleanly on SIGTERM', async (t) => {
  const dir = tempDir(t);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'sim',
      '--json',
      '--ssh-port',
      '0',
      '--control-port',
      '0',
      '--api-port',
      '0',
      '--state-dir',
      dir,
    ],
    {
      env: { ...process.env, WBGUARD_SIM_PASSWORD: 'x-Secret-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line: ${err}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.split('\n')[0] as string);
      }
    });
  });
  const info = JSON.parse(line) as { nodes: Array<{ fingerprint: string; sshPort: number }>; control: string };
  assert.equal(info.nodes.length, 3);
  assert.match(info.nodes[0]?.fingerprint ?? '', /^SHA256:[A-Za-z0-9+/]{43}$/);
  const state = (await (await fetch(`${info.control}/sim/state`)).json()) as { webbridges: unknown[] };
  assert.equal(state.webbridges.length, 3);
  assert.doesNotMatch(out + err, /x-Secret-1/, 'a password from the environment is never printed');
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  assert.equal(code, 0);
  assert.match(err, /stopped/);
  await assert.rejects(fetch(`${info.control}/sim/state`));
});

test('bad options and files are named, with exit 2', async (t) => {
  const dir = tempDir(t);
  const yaml = join(dir, 'sim.yaml');
  writeFileSync(yaml, 'nodes: 0\nleakRate: 2\nbogus: 1\n');
  const r = await run(process.execPath, ['--import', 'tsx', MAIN, 'sim', '--config', yaml, '--state-dir', dir]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nodes: /);
  assert.match(r.stderr, /leakRate: /);
  assert.match(r.stderr, /bogus/);
  const remote = await run(process.execPath, [
    '--import',
    'tsx',
    MAIN,
    'sim',
    '--listen',
    '10.1.2.3',
    '--state-dir',
    dir,
  ]);
  assert.equal(remote.status, 2);
  assert.match(remote.stderr, /not a loopback address/);
  const max = await run(process.execPath, ['--import', 'tsx', MAIN, 'sim', '--speed', 'max', '--state-dir', dir]);
  assert.equal(max.status, 2);
  assert.match(max.stderr, /speed: max needs a duration/);
});

test('--speed max --duration writes a simulated period to files and exits by itself', async (t) => {
  const dir = tempDir(t);
  const r = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'sim',
      '--speed',
      'max',
      '--duration',
      '2h',
      '--syslog',
      `file:${join(dir, 'all.log')}`,
      '--ssh-port',
      '0',
      '--control-port',
      '0',
      '--api-port',
      '0',
      '--state-dir',
      join(dir, 'state'),
    ],
    { timeoutMs: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(join(dir, 'all.log'), 'utf8').trim().split('\n');
  assert.ok(lines.filter((l) => l.includes('Stats ')).length >= 3 * 700, `${lines.length} lines`);
});
