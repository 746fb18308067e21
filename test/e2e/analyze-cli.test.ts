/** Runs the real `wbguard` entry point as a child process on the bundled sample and on stdin. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { writeSample } from '../../bench/make-sample.js';
import { MERGE_WIDTH } from '../../src/app/analyze/merge-groups.js';
import { run } from '../helpers/run.js';

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

/** The sample uncompressed, in a file of its own. */
function samplePlain(plain: Buffer): string {
  const path = join(dir, 'sample-plain.log');
  writeFileSync(path, plain);
  return path;
}

test('a pipe named on the command line is read (/dev/stdin, a FIFO); one inside a folder is passed over', async () => {
  const file = JSON.parse(wbguard(['analyze', SAMPLE, '--json', '--year', '2026']).stdout);
  const plain = gunzipSync(readFileSync(SAMPLE));
  // Through a shell's pipe (Node's own child input is a socket, which /dev/stdin cannot be opened as).
  const devStdin = spawnSync(
    'sh',
    [
      '-c',
      'cat "$1" | "$2" --import tsx "$3" analyze /dev/stdin --json --year 2026',
      'sh',
      samplePlain(plain),
      process.execPath,
      MAIN,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(devStdin.status, 0, devStdin.stderr);
  assert.deepEqual(JSON.parse(devStdin.stdout).lines, file.lines);
  // A FIFO, as `analyze <(zcat …)` gives one, written by another process.
  const folder = join(dir, 'with-fifo');
  mkdirSync(folder);
  const fifo = join(folder, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  writeFileSync(join(folder, 'plain.log'), plain);
  const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', join(folder, 'plain.log'), fifo]);
  const viaFifo = await run(process.execPath, ['--import', 'tsx', MAIN, 'analyze', fifo, '--json', '--year', '2026'], {
    timeoutMs: 60_000,
  });
  writer.kill();
  assert.equal(viaFifo.status, 0, viaFifo.stderr);
  assert.deepEqual(JSON.parse(viaFifo.stdout).lines, file.lines);
  // In a folder, the FIFO (which nobody writes to now) is not waited for: the folder's file alone is read.
  const inFolder = wbguard(['analyze', folder, '--json', '--year', '2026']);
  assert.equal(inFolder.status, 0, inFolder.stderr);
  assert.deepEqual(JSON.parse(inFolder.stdout).lines, file.lines);
});

test('--help has an example and exit 0', () => {
  const r = wbguard(['analyze', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Examples:/);
});

test('input without a CMS log line (binary, empty file, empty folder) says so and exits 1, with no empty report', () => {
  const empty = join(dir, 'empty-folder');
  mkdirSync(empty);
  const emptyFile = join(dir, 'empty.log');
  writeFileSync(emptyFile, '');
  const binary = join(dir, 'binary.dat');
  writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  for (const path of [empty, emptyFile, binary]) {
    const r = wbguard(['analyze', path]);
    assert.equal(r.status, 1, path);
    assert.match(r.stderr, /^wbguard: no CMS log line found/m, path);
    assert.equal(r.stdout, '', `${path}: no report`);
  }
});

test('a missing file is an error before any report; an unwritable --html is named and the summary still printed', async () => {
  const missing = wbguard(['analyze', join(dir, 'no-such.log')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^wbguard: cannot read .*no-such\.log: no such file or folder\n$/);
  assert.equal(missing.stdout, '', 'no empty report');
  // Beside a readable file: the error comes first (on a terminal, above the report), the rest is analysed.
  const both = await runMerged(['analyze', join(dir, 'no-such.log'), SAMPLE]);
  assert.equal(both.status, 1);
  assert.match(both.output, /^wbguard: cannot read .*no-such\.log: no such file or folder\nWeb Bridges \(limit 149\)/);

  const html = join(dir, 'no-such-folder', 'leak.html');
  const r = wbguard(['analyze', SAMPLE, '--html', html]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Web Bridges \(limit 149\)[\s\S]*cms1/, 'the text report is printed');
  assert.doesNotMatch(r.stdout, /HTML report written/);
  assert.ok(r.stderr.includes(`cannot write the HTML report to ${html}: its folder does not exist`), r.stderr);
  assert.doesNotMatch(r.stderr, /unexpected error/);
});

/** Runs wbguard with stdout and stderr into one pipe, as a terminal shows them, to check their order. */
function runMerged(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    // One pipe for both (the shell's 2>&1), so that the order is the order of the writes.
    const argv = [process.execPath, '--import', 'tsx', MAIN, ...args];
    const child = spawn('sh', ['-c', 'exec "$0" "$@" 2>&1', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('close', (status) => resolve({ status, output }));
  });
}

test('more files than the limit on open files, and than are merged at once: every one read, the same report (`ulimit -n 96`, 300 files)', () => {
  // A folder of more files than the process may open at once (a year of per-day files where the limit is 1,024):
  // every file was held open until the merge ended, and those past the limit were lost to EMFILE. More than
  // MERGE_WIDTH too: merged in groups through a temporary file (src/app/analyze/merge-groups.ts).
  const many = join(dir, 'many-files');
  mkdirSync(many, { recursive: true });
  const text = gunzipSync(readFileSync(SAMPLE)).toString('latin1').split('\n');
  const files = MERGE_WIDTH + 44;
  const per = Math.ceil(text.length / files);
  for (let k = 0; k < files; k++) {
    writeFileSync(
      join(many, `cms-${String(k).padStart(3, '0')}.log`),
      `${text.slice(k * per, (k + 1) * per).join('\n')}\n`,
    );
  }
  const whole = wbguard(['analyze', SAMPLE, '--json', '--year', '2026']);
  // 96, not 64: run from source, each scan worker's loader (tsx) opens every module file as it loads it, while the
  // other threads hold their share of the limit; at 64 a worker's start could fail for want of a descriptor (the
  // installed bundle loads a few files). Reading itself adapts to a limit lower than its budget (open-files.ts).
  for (const jobs of ['0', '2']) {
    const limited = spawnSync(
      'bash',
      [
        '-c',
        'ulimit -n 96 && exec "$0" --import tsx "$1" analyze "$2" --json --year 2026 --jobs "$3"',
        process.execPath,
        MAIN,
        many,
        jobs,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(limited.status, 0, limited.stderr);
    assert.equal(limited.stderr, '', `--jobs ${jobs}`);
    const doc = JSON.parse(limited.stdout);
    const reference = JSON.parse(whole.stdout);
    assert.deepEqual(doc.webbridges, reference.webbridges, `--jobs ${jobs}`);
    assert.equal(doc.lines.webbridgeStats, reference.lines.webbridgeStats);
  }
});
