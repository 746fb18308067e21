/**
 * The package as people get it: `npm pack`, then `npm install -g` of the tarball into a temporary prefix (from the
 * registry, like any user), then the installed `wbguard` runs --version, --help, analyze and the demo.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSample } from '../../bench/make-sample.js';
import { workerModules } from '../../scripts/worker-modules.js';
import { run } from '../helpers/run.js';
import { until } from '../helpers/until.js';
import { tempDir } from '../sim/helpers.js';

/** Dependencies whose install scripts build or probe native code. */
const NATIVE = 'better-sqlite3,ssh2,cpu-features';

test('npm pack + npm install -g: the installed wbguard works', { timeout: 600_000 }, async (t) => {
  const dir = tempDir(t, 'wbguard-install-');
  const pack = await run('npm', ['pack', '--pack-destination', dir], { timeoutMs: 300_000 });
  assert.equal(pack.status, 0, pack.stderr);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz')) as string;
  assert.ok(tarball, pack.stdout);
  const listing = await run('tar', ['-tzf', join(dir, tarball)]);
  const files = listing.stdout.split('\n');
  // The bundled CLI (scripts/bundle.ts) and, beside it, the module of every worker thread wbguard starts.
  assert.ok(files.includes('package/dist/bundle/main.js'), listing.stdout);
  const workers = workerModules();
  assert.ok(workers.length >= 3, `worker modules found in src: ${workers.map((w) => w.name).join(', ')}`);
  for (const { name } of workers) {
    assert.ok(files.includes(`package/dist/bundle/${name}.js`), `${name}.js is missing from the bundle`);
  }
  assert.ok(
    !files.some((f) =>
      ['package/test/', 'package/dist/test/', 'package/src/', 'package/dist/src/'].some((d) => f.startsWith(d)),
    ),
    'only what runs ships',
  );
  const prefix = join(dir, 'prefix');
  const install = await run(
    'npm',
    // As docs/quick-start.md says: the three dependencies that build native code are allowed their install scripts.
    ['install', '-g', '--prefix', prefix, `--allow-scripts=${NATIVE}`, '--no-audit', '--no-fund', join(dir, tarball)],
    { timeoutMs: 480_000 },
  );
  assert.equal(install.status, 0, install.stderr);
  // No warning: no script of wbguard's own listed as one npm would not run (a `prepare` cannot run from a tarball).
  assert.doesNotMatch(install.stderr, /prepare/, install.stderr);
  assert.doesNotMatch(install.stderr, /\bwarn\b/i, install.stderr);
  const bin = join(prefix, 'bin', 'wbguard');
  const version = await run(bin, ['--version']);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);
  const help = await run(bin, ['--help']);
  assert.match(help.stdout, /demo[\s\S]*run[\s\S]*analyze[\s\S]*restart/);
  assert.ok(
    readdirSync(join(prefix, 'lib', 'node_modules', 'wbguard', 'node_modules')).every(
      (m) => !['typescript', 'tsx', '@biomejs', 'fast-check', 'playwright-core'].includes(m),
    ),
    'no dev dependency installed',
  );
  const sample = join(dir, 'samples', 'cms.log.gz');
  writeSample(sample);
  const analyze = await run(bin, ['analyze', sample, '--json', '--year', '2026']);
  assert.equal(analyze.status, 0, analyze.stderr);
  assert.equal((JSON.parse(analyze.stdout) as { webbridges: unknown[] }).webbridges.length, 3);
  // Read by a scan worker (started from the bundle's scan-worker.js): the same answer.
  const inWorker = await run(bin, ['analyze', sample, '--json', '--year', '2026', '--jobs', '1']);
  assert.equal(inWorker.status, 0, inWorker.stderr);
  assert.equal(inWorker.stdout, analyze.stdout);
  const demo = spawn(bin, ['demo', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => demo.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start: ${out}`)), 60_000);
    demo.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /API and metrics: (http:\/\/\S+)\/api\/v1\/state/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
  });
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  // Syslog reaches the daemon (its UDP receiver and SQLite store each run in a worker thread of the bundle).
  await until(
    async () => {
      const state = (await (await fetch(`${url}/api/v1/state`)).json()) as { webbridges: Array<{ lastSeen: unknown }> };
      return state.webbridges.some((w) => w.lastSeen !== null);
    },
    60_000,
    'a Web Bridge heard from over syslog',
  );
  // The dashboard's files ship in the package: the page, its script and uPlot.
  for (const path of ['/', '/assets/app.js', '/assets/uPlot.iife.min.js']) {
    const res = await fetch(`${url}${path}`);
    assert.equal(res.status, 200, path);
    assert.ok((await res.text()).length > 100, path);
  }
  const code = await new Promise<number | null>((resolve) => {
    demo.once('exit', (c) => resolve(c));
    demo.kill('SIGTERM');
  });
  assert.equal(code, 0);
});
