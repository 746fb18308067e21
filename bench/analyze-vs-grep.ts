/**
 * Benchmark: `wbguard analyze --json` against `grep -c -E 'Stats |STATS:'` (and `rg` where installed) on the same
 * multi-file CMS log corpus, in one run. Goal (issue 2): analyze within 1.5× of GNU grep's time, RSS under 200 MB.
 * The corpus (≥ 1 GB by default, `--size MB` for quick runs) is generated once under bench/.corpus/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DAY_MS, writeCorpus } from './lib/corpus.js';

export interface AnalyzeBenchResult {
  corpusBytes: number;
  files: number;
  lines: number;
  analyze: { seconds: number; maxRssMb: number };
  analyzeJobs2: { seconds: number; maxRssMb: number };
  grep: { seconds: number; matches: number };
  rg?: { seconds: number; matches: number };
  ratio: number;
}

const NODES = 10;

function makeCorpus(dir: string, targetMb: number): void {
  const marker = join(dir, `.complete-v2-${targetMb}`);
  if (existsSync(marker)) {
    return;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const fds = Array.from({ length: NODES }, (_, i) => openSync(join(dir, `cms${i + 1}.log`), 'w'));
  const buffers: string[][] = Array.from({ length: NODES }, () => []);
  // A line is ~110 bytes; 80 ordinary lines per Stats line (about 1 % stats lines), one Stats line per node every 10 s.
  const bytesPerDay = NODES * (86_400 / 10) * 81 * 110;
  const days = Math.max(1, Math.ceil((targetMb * 1e6) / bytesPerDay));
  const flush = (i: number) => {
    writeSync(fds[i] as number, `${(buffers[i] as string[]).join('\n')}\n`);
    buffers[i] = [];
  };
  writeCorpus(
    {
      start: Date.UTC(2026, 9, 1),
      days,
      leakPerDay: Array.from({ length: NODES }, (_, i) => (i % 3) * 5),
      peakReal: 40,
      restarts: [{ node: 0, atMs: DAY_MS + 7_200_000 }],
      chatterPerStats: 80,
      statsEveryMs: 10_000,
      quietEndHours: 3,
    },
    (node, line) => {
      const b = buffers[node] as string[];
      b.push(line);
      if (b.length >= 20_000) {
        flush(node);
      }
    },
  );
  for (let i = 0; i < NODES; i++) {
    flush(i);
    closeSync(fds[i] as number);
  }
  writeFileSync(marker, '');
}

function timed(
  cmd: string,
  args: string[],
  stdoutFile?: string,
): { seconds: number; stdout: string; maxRssMb: number } {
  const timeArgs = ['-f', '%e %M', cmd, ...args];
  const r = spawnSync('/usr/bin/time', timeArgs, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) {
    throw new Error(`${cmd} failed: ${r.stderr}`);
  }
  const [sec, rss] = (r.stderr.trim().split('\n').pop() ?? '0 0').split(' ');
  if (stdoutFile) {
    writeFileSync(stdoutFile, r.stdout);
  }
  return { seconds: Number(sec), stdout: r.stdout, maxRssMb: Number(rss) / 1024 };
}

export async function benchAnalyzeVsGrep(sizeMb: number): Promise<AnalyzeBenchResult> {
  const dir = join('bench', '.corpus', `analyze-${sizeMb}mb`);
  console.error(`corpus: ${dir} (${sizeMb} MB target)`);
  makeCorpus(dir, sizeMb);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => join(dir, f));
  const corpusBytes = files.reduce((a, f) => a + statSync(f).size, 0);
  console.error('building dist/ (tsc)');
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  if (build.status !== 0) {
    throw new Error('build failed');
  }
  // Warm the page cache so every tool reads from memory.
  spawnSync('cat', files, { stdio: ['ignore', 'ignore', 'inherit'] });
  const runs = 3;
  const best = <T extends { seconds: number }>(f: () => T): T => {
    let b: T | undefined;
    for (let i = 0; i < runs; i++) {
      const r = f();
      if (!b || r.seconds < b.seconds) {
        b = r;
      }
    }
    return b as T;
  };
  const grep = best(() => timed('grep', ['-c', '-E', 'Stats |STATS:', ...files]));
  const grepMatches = grep.stdout
    .trim()
    .split('\n')
    .reduce((a, l) => a + Number(l.split(':').pop()), 0);
  const analyze = best(() => timed(process.execPath, ['dist/src/app/cli/main.js', 'analyze', '--json', ...files]));
  const doc = JSON.parse(analyze.stdout) as {
    lines: { read: number; webbridgeStats: number; callbridgeStats: number };
  };
  if (doc.lines.webbridgeStats + doc.lines.callbridgeStats !== grepMatches) {
    throw new Error(
      `analyze found ${doc.lines.webbridgeStats + doc.lines.callbridgeStats} stats lines, grep ${grepMatches}`,
    );
  }
  const jobs2 = best(() =>
    timed(process.execPath, ['dist/src/app/cli/main.js', 'analyze', '--json', '--jobs', '2', ...files]),
  );
  let rg: AnalyzeBenchResult['rg'];
  if (spawnSync('rg', ['--version']).status === 0) {
    const r = best(() => timed('rg', ['-c', 'Stats |STATS:', ...files]));
    rg = {
      seconds: r.seconds,
      matches: r.stdout
        .trim()
        .split('\n')
        .reduce((a, l) => a + Number(l.split(':').pop()), 0),
    };
  }
  return {
    corpusBytes,
    files: files.length,
    lines: doc.lines.read,
    analyze: { seconds: analyze.seconds, maxRssMb: Math.round(analyze.maxRssMb) },
    analyzeJobs2: { seconds: jobs2.seconds, maxRssMb: Math.round(jobs2.maxRssMb) },
    grep: { seconds: grep.seconds, matches: grepMatches },
    ...(rg ? { rg } : {}),
    ratio: Math.round((analyze.seconds / grep.seconds) * 100) / 100,
  };
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
