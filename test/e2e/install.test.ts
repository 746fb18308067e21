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
import { run } from '../helpers/run.js';
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
  assert.ok(files.includes('package/dist/src/app/cli/main.js'));
  assert.ok(
    !files.some(
      (f) => f.startsWith('package/test/') || f.startsWith('package/dist/test/') || f.startsWith('package/src/'),
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
