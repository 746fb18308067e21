/** Runs the real `wbguard` entry point as a child process on the bundled sample and on stdin. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { writeSample } from '../../bench/make-sample.js';

const MAIN = new URL('../../src/app/cli/main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wbguard-sample-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SAMPLE = join(dir, 'samples', 'cms-cluster.log.gz');
const written = writeSample(SAMPLE);

function wbguard(args: string[], input?: Buffer) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });
}

test('analyze the sample of `npm run sample` (as the README shows) finds the leaking Web Bridges', () => {
  const r = wbguard(['analyze', join(dir, 'samples'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const leaking = doc.webbridges
    .filter((w: { leakRatePerDay: number }) => w.leakRatePerDay > 1)
    .map((w: { name: string }) => w.name);
  assert.deepEqual(leaking, ['cms1', 'cms2']);
  assert.equal(doc.webbridges[0].restarts.length, 1);
  assert.deepEqual(
    doc.webbridges.map((w: { leakedMin: number }) => w.leakedMin),
    written.leaked,
  );
});

test('stdin gives the same answer as the file', () => {
  const file = JSON.parse(wbguard(['analyze', SAMPLE, '--json', '--year', '2026']).stdout);
  const piped = wbguard(['analyze', '-', '--json', '--year', '2026'], gunzipSync(readFileSync(SAMPLE)));
  assert.equal(piped.status, 0, piped.stderr);
  const doc = JSON.parse(piped.stdout);
  assert.deepEqual(doc.cluster, file.cluster);
  assert.deepEqual(doc.lines, file.lines);
});

test('--help has an example and exit 0', () => {
  const r = wbguard(['analyze', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Examples:/);
});
