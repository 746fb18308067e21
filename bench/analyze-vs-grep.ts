/**
 * Benchmark: `wbguard analyze --json` against `grep -c -E 'Stats |STATS:'` (and `rg` where installed) on the same
 * multi-file CMS log corpus, in one run, interleaved. Goal (issue 2): analyze within 1.5× of GNU grep's time, RSS
 * under 200 MB, both cores used when several files are given.
 * The corpus (≥ 1 GB by default, `--size MB` for quick runs) is generated once under bench/.corpus/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildCli, CLI } from './built-cli.js';
import { DAY_MS, writeCorpus } from './lib/corpus.js';
import { LineWriter } from './lib/line-writer.js';

/** One tool's runs: wall seconds, CPU seconds (user + system, all threads) and peak RSS, each run in order. */
export interface ToolRuns {
  seconds: number[];
  cpuSeconds: number[];
  maxRssMb: number[];
}

export interface AnalyzeBenchResult {
  corpusBytes: number;
  files: number;
  lines: number;
  rounds: number;
  /** Load average (1 min) before and after: other work on the machine shows here. */
  load: [number, number];
  grep: ToolRuns & { matches: number };
  rg?: ToolRuns & { matches: number };
  /** Default: a scan worker per core when several files are given, the main thread merging. */
  analyze: ToolRuns;
  /** `--jobs 0`: everything in the main thread. */
  analyzeOneThread: ToolRuns;
  /**
   * The default again, with NODE_EXTRA_CA_CERTS unset, when the environment sets it: Node then parses that whole
   * certificate bundle at every start, before any of wbguard's code runs (this sandbox points it at the system
   * bundle: ~55 ms). For information; the ratios are of the runs in the environment as it is.
   */
  analyzeNoExtraCerts?: ToolRuns;
  /** analyze / grep of each round (the two timed back to back). */
  ratios: number[];
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
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
  const writers = fds.map((fd) => new LineWriter(fd));
  // A line is ~110 bytes; 80 ordinary lines per Stats line (about 1 % stats lines), one Stats line per node every 10 s.
  const bytesPerDay = NODES * (86_400 / 10) * 81 * 110;
  const days = Math.max(1, Math.ceil((targetMb * 1e6) / bytesPerDay));
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
    (node, line) => (writers[node] as LineWriter).add(line),
  );
  writers.forEach((w) => {
    w.flush();
    closeSync(w.fd);
  });
  writeFileSync(marker, '');
}

/**
 * The environment without NODE_EXTRA_CA_CERTS, or undefined when it does not set it. Node parses the certificate
 * bundle that variable names at every start, before any of wbguard's code runs (this sandbox points it at the
 * system bundle), a cost grep does not pay: the benchmarks time analyze once more without it, for information.
 */
export function envWithoutExtraCerts(): NodeJS.ProcessEnv | undefined {
  if (process.env.NODE_EXTRA_CA_CERTS === undefined) {
    return undefined;
  }
  const { NODE_EXTRA_CA_CERTS: _certs, ...env } = process.env;
  return env;
}

/** What a report says of those runs: `which` names them in it ("the last row", …). */
export function extraCertsNote(which: string): string {
  return `This environment sets NODE_EXTRA_CA_CERTS (${process.env.NODE_EXTRA_CA_CERTS}): Node parses that certificate bundle at every start, before any of wbguard's code runs. The ratios keep the environment as it is; ${which} analyze run again with the variable unset, for information.`;
}

/**
 * Seconds a timed run may take before it is killed and the benchmark fails: one run of analyze stayed in its exit,
 * its work done, for 20 minutes (eighteenth session: Node's thread pool joined at exit, docs/benchmarks.md), and
 * the benchmark waited for it without end.
 */
const TIMED_RUN_LIMIT_S = 600;

/** Runs `cmd` under /usr/bin/time: wall and CPU seconds, peak RSS, stdout. */
export function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { seconds: number; cpuSeconds: number; stdout: string; maxRssMb: number } {
  // coreutils' `timeout` between them: killed past the limit, the command itself ends, not only /usr/bin/time (the
  // times and peak RSS /usr/bin/time reports include the command's, a child `timeout` waited for).
  const timeArgs = ['-f', '%e %M %U %S', 'timeout', '-s', 'KILL', String(TIMED_RUN_LIMIT_S), cmd, ...args];
  // stdout is a pipe, never /dev/null: GNU grep stops at the first match when its output is /dev/null.
  const r = spawnSync('/usr/bin/time', timeArgs, { encoding: 'utf8', maxBuffer: 1 << 28, env });
  if (r.status === 137) {
    throw new Error(`${cmd} ${args.join(' ')}: still running after ${TIMED_RUN_LIMIT_S} s, killed`);
  }
  if (r.status !== 0) {
    throw new Error(`${cmd} failed: ${r.stderr}`);
  }
  const [sec, rss, user, sys] = (r.stderr.trim().split('\n').pop() ?? '0 0 0 0').split(' ').map(Number);
  return {
    seconds: sec ?? 0,
    cpuSeconds: Math.round(((user ?? 0) + (sys ?? 0)) * 100) / 100,
    stdout: r.stdout,
    maxRssMb: Math.round((rss ?? 0) / 1024),
  };
}

function countOf(stdout: string): number {
  return stdout
    .trim()
    .split('\n')
    .reduce((a, l) => a + Number(l.split(':').pop()), 0);
}

function runs(): ToolRuns {
  return { seconds: [], cpuSeconds: [], maxRssMb: [] };
}

function note(into: ToolRuns, r: ReturnType<typeof timed>): void {
  into.seconds.push(r.seconds);
  into.cpuSeconds.push(r.cpuSeconds);
  into.maxRssMb.push(r.maxRssMb);
}

/**
 * Times the tools interleaved, round after round, so that other work on the machine (2 cores shared with other
 * engineers' tests) falls on all of them alike; the report gives medians and each round's analyze/grep ratio.
 */
export async function benchAnalyzeVsGrep(sizeMb: number, rounds = 9): Promise<AnalyzeBenchResult> {
  const dir = join('bench', '.corpus', `analyze-${sizeMb}mb`);
  console.error(`corpus: ${dir} (${sizeMb} MB target)`);
  makeCorpus(dir, sizeMb);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => join(dir, f));
  const corpusBytes = files.reduce((a, f) => a + statSync(f).size, 0);
  buildCli();
  const hasRg = spawnSync('rg', ['--version']).status === 0;
  const cli = [process.execPath, CLI, 'analyze', '--json'] as const;
  const grep = { ...runs(), matches: 0 };
  const rg = hasRg ? { ...runs(), matches: 0 } : undefined;
  const analyze = runs();
  const analyzeOneThread = runs();
  const envWithoutCerts = envWithoutExtraCerts();
  const analyzeNoExtraCerts = envWithoutCerts ? runs() : undefined;
  const ratios: number[] = [];
  let lines = 0;
  const load0 = loadavg()[0] ?? 0;
  for (let round = 0; round < rounds; round++) {
    // Warm the page cache each round: this machine reclaims cold page cache between runs.
    spawnSync('cat', files, { stdio: ['ignore', 'ignore', 'inherit'] });
    const g = timed('grep', ['-c', '-E', 'Stats |STATS:', ...files]);
    note(grep, g);
    grep.matches = countOf(g.stdout);
    const a = timed(cli[0], [...cli.slice(1), ...files]);
    note(analyze, a);
    ratios.push(Math.round((a.seconds / g.seconds) * 100) / 100);
    const doc = JSON.parse(a.stdout) as { lines: { read: number; webbridgeStats: number; callbridgeStats: number } };
    if (doc.lines.webbridgeStats + doc.lines.callbridgeStats !== grep.matches) {
      throw new Error(
        `analyze found ${doc.lines.webbridgeStats + doc.lines.callbridgeStats} stats lines, grep ${grep.matches}`,
      );
    }
    lines = doc.lines.read;
    note(analyzeOneThread, timed(cli[0], [...cli.slice(1), '--jobs', '0', ...files]));
    if (analyzeNoExtraCerts && envWithoutCerts) {
      note(analyzeNoExtraCerts, timed(cli[0], [...cli.slice(1), ...files], envWithoutCerts));
    }
    if (rg) {
      const r = timed('rg', ['-c', 'Stats |STATS:', ...files]);
      note(rg, r);
      rg.matches = countOf(r.stdout);
    }
    console.error(`round ${round + 1}/${rounds}: grep ${g.seconds} s, analyze ${a.seconds} s`);
  }
  return {
    corpusBytes,
    files: files.length,
    lines,
    rounds,
    load: [load0, loadavg()[0] ?? 0],
    grep,
    ...(rg ? { rg } : {}),
    analyze,
    analyzeOneThread,
    ...(analyzeNoExtraCerts ? { analyzeNoExtraCerts } : {}),
    ratios,
  };
}
export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
