/**
 * Benchmark: `wbguard analyze --json` peak RSS with many files at once (issue 2: "RSS under 200 MB whatever the
 * input size"). Files that all span the same time are the hard case: the merge holds every one open mid-file. The
 * sets are made of the analyze corpus' ten files (bench/.corpus, `--only analyze` makes it), linked under
 * bench/.corpus/files-N/: the whole files 5 times over (50 × 155 MB), 40 MB prefixes 20 times over (200 files) and
 * 8 MB prefixes 100 times over (1000 files), and so on; a folder of 1,000 rotated .gz pieces, and 1,000 .gz files
 * spanning the same time. Symbolic links,
 * so 8 GB of input costs 80 MB of disk; each link is a source of its own to analyze, as a copy would be (RSS counts
 * the process, not the page cache).
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { timed } from './analyze-vs-grep.js';
import { CLI } from './built-cli.js';
import { LineWriter } from './lib/line-writer.js';

export interface FilesRun {
  label: string;
  files: number;
  gigabytes: number;
  /** Wall-clock seconds of each run. */
  seconds: number[];
  maxRssMb: number[];
}

function prefix(from: string, to: string, bytes: number): void {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  const chunk = Buffer.allocUnsafe(1 << 20);
  try {
    for (let done = 0; done < bytes; ) {
      const n = readSync(input, chunk, 0, Math.min(chunk.length, bytes - done), null);
      if (n <= 0) {
        break;
      }
      writeSync(output, chunk, 0, n);
      done += n;
    }
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

/** The Stats and STATS lines of `sources`, in one file at `to` (made once). */
function statsOnlyOf(sources: readonly string[], to: string): string {
  if (!existsSync(to)) {
    mkdirSync(dirname(to), { recursive: true });
    const made = spawnSync('sh', ['-c', `grep -h -E 'Stats |STATS:' ${sources.join(' ')} > ${to}`]);
    if (made.status !== 0) {
      throw new Error(`could not make ${to}: ${made.stderr}`);
    }
  }
  return to;
}

/**
 * The Stats and STATS lines of each of `sources` in a file of its own in `dir` (made once): a per-program file of the
 * Web Bridge per node, each in time order (the file above holds one node's after another).
 */
function statsPerNodeOf(sources: readonly string[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return sources.map((s, i) => statsOnlyOf([s], join(dir, `n${i}-stats.log`)));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** A node's counters, as its Stats lines give them. */
interface NodeCounters {
  connects: number;
  disconnects: number;
  active: number;
}

/**
 * The lines node `node` logs at its sample `k` (every 10 s from 1 September): a Call Bridge STATS line every minute,
 * then its Web Bridge Stats line, its counters moved on.
 */
function sampleLines(node: number, k: number, c: NodeCounters): string[] {
  const t = new Date(Date.UTC(2026, 8, 1) + k * 10_000 + node);
  const stamp = `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}.${String(node).padStart(3, '0')}`;
  const lines: string[] = [];
  if (k % 6 === 0) {
    lines.push(
      `${stamp} user.info cms${node} host:server: INFO : STATS: {"callLegsPS": 2, "callLegs": "2/4", "CMA": "${c.active}/9", "sip": {"std": "2/2", "peer": "0/0"}}`,
    );
  }
  c.connects += k % 3 === 0 ? 1 : 0;
  c.disconnects += k % 4 === 0 ? 1 : 0;
  c.active = Math.max(0, (c.connects - c.disconnects) % 60);
  lines.push(
    `${stamp} user.info cms${node} "webbridge": INFO : [DEBUGGING] Stats ${c.active}, c:${c.connects}, d:${c.disconnects}`,
  );
  return lines;
}

/** Writes the files `names` once into `dir` (`.complete` says they were): `write(i, fd)` writes the i-th. */
function generatedOnce(dir: string, names: readonly string[], write: (i: number, fd: number) => void): string[] {
  const done = join(dir, '.complete');
  if (existsSync(done)) {
    return [...names];
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [i, name] of names.entries()) {
    const fd = openSync(name, 'w');
    try {
      write(i, fd);
    } finally {
      closeSync(fd);
    }
  }
  writeFileSync(done, '');
  return [...names];
}

/**
 * `nodes` per-node files over `days` days from 1 September, in `dir` (made once): a Web Bridge Stats line every 10 s
 * and a Call Bridge STATS line every minute per node, each file in time order (~99 MB a node per 100 days). The
 * record-dense input of a long history, read by a worker per core: it took analyze to 184–248 MB of RSS in some runs
 * before the workers packed their batches into memory handed back (docs/benchmarks.md, fifteenth session).
 */
function densePerNodeOf(dir: string, nodes: number, days: number): string[] {
  const names = Array.from({ length: nodes }, (_, i) => join(dir, `cms${i + 1}.log`));
  return generatedOnce(dir, names, (i, fd) => {
    const out = new LineWriter(fd);
    const counters = { connects: 0, disconnects: 0, active: 0 };
    for (let k = 0; k < days * 8640; k++) {
      out.addAll(sampleLines(i + 1, k, counters));
    }
    out.flush();
  });
}

/**
 * A syslog server's file of the Web Bridge program for a whole cluster, rotated daily: `days` pieces in `dir` (made
 * once), `webbridge.log.N` the day N days before the last, `webbridge.log`, each holding every node's lines of its
 * day in time order (~8.7 MB a day for ten nodes). The merge drains such pieces one after another: a worker holding
 * pieces it has not reached reads them on meanwhile (src/app/analyze/read-on.ts).
 */
function clusterDailyPiecesOf(dir: string, nodes: number, days: number): string[] {
  const names = Array.from({ length: days }, (_, d) =>
    join(dir, d === days - 1 ? 'webbridge.log' : `webbridge.log.${days - 1 - d}`),
  );
  const counters = Array.from({ length: nodes }, () => ({ connects: 0, disconnects: 0, active: 0 }));
  return generatedOnce(dir, names, (d, fd) => {
    const out = new LineWriter(fd);
    for (let k = d * 8640; k < (d + 1) * 8640; k++) {
      for (let n = 0; n < nodes; n++) {
        out.addAll(sampleLines(n + 1, k, counters[n] as NodeCounters));
      }
    }
    out.flush();
  });
}

/** `copies` of `from`, one after another, in one file at `to` (made once): one large file of Stats lines. */
function repeatedOf(from: string, copies: number, to: string): string {
  if (!existsSync(to)) {
    const text = readFileSync(from);
    const fd = openSync(`${to}.part`, 'w');
    try {
      for (let k = 0; k < copies; k++) {
        writeSync(fd, text);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(`${to}.part`, to);
  }
  return to;
}

/**
 * Each of `sources` cut at line ends into `pieces` consecutive pieces, each gzipped (level 1), in `dir` (made once):
 * a folder of rotated compressed logs, whose pieces of one node follow each other in time.
 */
function rotatedPiecesOf(sources: readonly string[], pieces: number, dir: string, gzip = true): string[] {
  const done = join(dir, '.complete');
  const names = sources.flatMap((_, i) =>
    Array.from({ length: pieces }, (_, k) => join(dir, `n${i}.log.${pieces - k}${gzip ? '.gz' : ''}`)),
  );
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    sources.forEach((s, i) => {
      const text = readFileSync(s);
      let from = 0;
      for (let k = 0; k < pieces; k++) {
        const aim = Math.round(((k + 1) * text.length) / pieces);
        const nl = k === pieces - 1 ? text.length : text.indexOf(10, aim);
        const to = nl === -1 ? text.length : Math.min(text.length, nl + 1);
        const piece = text.subarray(from, to);
        writeFileSync(names[i * pieces + k] as string, gzip ? gzipSync(piece, { level: 1 }) : piece);
        from = to;
      }
    });
    writeFileSync(done, '');
  }
  return names;
}

/** Each of `sources` gzipped (level 1) into `dir`, made once. */
function gzippedOf(sources: readonly string[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return sources.map((s) => {
    const to = join(dir, `${basename(s)}.gz`);
    if (!existsSync(to)) {
      writeFileSync(`${to}.part`, gzipSync(readFileSync(s), { level: 1 }));
      renameSync(`${to}.part`, to);
    }
    return to;
  });
}

/**
 * `copies` of the Stats-only file, each with its hosts renamed, in one `.tar.gz` made once by tar(1): an archive
 * whose every line is a record (a syslog server's per-program files, tarred), whose records analyze sorts.
 */
function statsTarOf(statsOnly: string, copies: number, to: string): string {
  return tarGzOnce(to, 'logs', (folder) => {
    const text = readFileSync(statsOnly, 'latin1');
    for (let k = 0; k < copies; k++) {
      writeFileSync(join(folder, `webbridge-${k}.log`), text.replaceAll(' cms', ` a${k}cms`), 'latin1');
    }
  });
}

/** Each of `sources` as the `syslog` of a log bundle of its own (`logbundle.tar.gz`, made once by tar(1)) in `dir`. */
function bundlesOf(sources: readonly string[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return sources.map((s, i) =>
    tarGzOnce(join(dir, `n${i}-logbundle.tar.gz`), 'logbundle', (folder) => {
      symlinkSync(resolve(s), join(folder, 'syslog'));
    }),
  );
}

/**
 * `to`, a `.tar.gz` (made by tar(1), links followed) of a folder named `name` that `fill` writes, unless it is there
 * already; written under another name and renamed, so that an interrupted run leaves none half made.
 */
function tarGzOnce(to: string, name: string, fill: (folder: string) => void): string {
  if (!existsSync(to)) {
    const work = `${to}.d`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, name), { recursive: true });
    fill(join(work, name));
    const made = spawnSync('tar', ['-chzf', `${to}.part`, '-C', work, name]);
    rmSync(work, { recursive: true, force: true });
    if (made.status !== 0) {
      throw new Error(`could not make ${to}: ${made.stderr}`);
    }
    renameSync(`${to}.part`, to);
  }
  return to;
}

/** A folder of `copies` links to each of `sources`. */
function linkSet(dir: string, sources: readonly string[], copies: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < copies; k++) {
    for (const [i, s] of sources.entries()) {
      // The source's own name last: its kind (`.gz`) is told by it.
      symlinkSync(resolve(s), join(dir, `c${k}-f${i}-${basename(s)}`));
    }
  }
}

/** A set of inputs: `copies` links to each of `sources` in one folder, `gigabytes` in all. */
interface FilesSet {
  readonly label: string;
  readonly sources: readonly string[];
  readonly copies: number;
  readonly gigabytes: number;
}

function set(label: string, sources: readonly string[], copies: number, gigabytes: number): FilesSet {
  return { label, sources, copies, gigabytes };
}

/** Peak RSS of `analyze --json` over each set, `runs` times (dist/ must be built: the analyze bench builds it). */
export function benchAnalyzeFiles(corpusDir: string, runs = 2): FilesRun[] {
  const full = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => join(corpusDir, f));
  if (full.length === 0) {
    throw new Error(`no corpus in ${corpusDir}: run \`npm run bench -- --only analyze\` first`);
  }
  const root = join('bench', '.corpus', 'files');
  const prefixes = (mb: number): string[] => {
    const dir = join(root, `prefix-${mb}mb`);
    mkdirSync(dir, { recursive: true });
    return full.map((f, i) => {
      const to = join(dir, `p${i}.log`);
      if (!existsSync(to)) {
        prefix(f, to, mb * 1_000_000);
      }
      return to;
    });
  };
  const statsOnly = statsOnlyOf(full, join(root, 'stats-only.log'));
  const statsGb = (copies: number) => Math.round((statSync(statsOnly).size * copies) / 1e7) / 100;
  const sets: FilesSet[] = [
    set('the 10 files', full, 1, 1.55),
    set('50 files at once, each 155 MB (the 10, 5 times over)', full, 5, 7.7),
    set('200 files at once, each 40 MB (prefixes of the 10, 20 times over)', prefixes(40), 20, 8),
    set('1000 files at once, each 8 MB (prefixes of the 10, 100 times over)', prefixes(8), 100, 8),
    set('2000 files at once, each 8 MB (prefixes of the 10, 200 times over)', prefixes(8), 200, 16),
    // Every source the merge is in holds its reading state and a batch or two (~22 KB in one thread, ~35 KB with
    // scan workers): past 256 sources they are merged in groups (src/app/analyze/merge-groups.ts).
    set('4000 files at once, each 2 MB (prefixes of the 10, 400 times over)', prefixes(2), 400, 8),
    // A year of a syslog server's rotated, compressed files is ~1,000 of them: only a node's current piece is read
    // at a time, the others wait for the merge (each let go after its first batch: stream-input.ts).
    set(
      '1000 rotated .gz pieces (the 10 files cut in 100 consecutive pieces each, gzipped)',
      rotatedPiecesOf(full, 100, join(root, 'rotated-gz')),
      1,
      1.55,
    ),
    // Record-dense input, as a per-program file of the Web Bridge would be: a read of 1 MiB holds ~10,000 records.
    set(
      "50 files at once of Stats lines only (the 10 files' Stats and STATS lines, 50 times over)",
      [statsOnly],
      50,
      statsGb(50),
    ),
    // Compressed files the merge is in all at once (copies, or one per node): past 16 a thread, each is read to its
    // end when the merge reaches it and its records wait in a temporary file (record-spill.ts).
    set(
      '1000 .gz at once, each 2 MB inflated (gzipped prefixes of the 10, 100 times over)',
      gzippedOf(prefixes(2), join(root, 'prefix-2mb-gz')),
      100,
      2,
    ),
    // Twice the 4,000: merged in groups, memory no longer grows with the number of files.
    set('8000 files at once, each 2 MB (prefixes of the 10, 800 times over)', prefixes(2), 800, 16),
    // An archive's entries are not in time order: its records are sorted, in runs through a temporary file.
    set(
      "a .tar.gz of 10 files of Stats lines only (the 10 files' Stats and STATS lines, 10 times over, renamed)",
      [statsTarOf(statsOnly, 10, join(root, 'stats-only.tar.gz'))],
      1,
      statsGb(10),
    ),
    // A folder of log bundles (one per node and day, say): each read whole before the merge starts, its records
    // sorted; a thread reads 4 at a time and keeps a run's worth of their records in memory (sorted-runs.ts).
    set(
      '60 log bundles at once, each a 40 MB prefix of the 10 as its syslog (6 times over)',
      bundlesOf(prefixes(40), join(root, 'bundles-40mb')),
      6,
      2.4,
    ),
    // A syslog server's per-host, per-day files over years, or a copy made many times: the number of sources alone.
    // Past 256 sources each group's records go through the temporary file, and the final merge holds a batch of
    // each group (merge-groups.ts groupBatchRecords); each source's description is held for the whole run.
    set('100000 files at once, each 20 KB (prefixes of the 10, 10,000 times over)', prefixes(0.02), 10_000, 2),
    // The same bytes as the 10 files, as a syslog server's rotated pieces: compare its time with the first set's.
    set(
      '1000 rotated plain pieces (the 10 files cut in 100 consecutive pieces each)',
      rotatedPiecesOf(full, 100, join(root, 'rotated-plain'), false),
      1,
      1.55,
    ),
    // Record-dense input below 1 GiB: read with scan workers when its records, estimated from samples, are a million
    // or more (scan-pool.ts SCAN_WORKERS_MIN_RECORDS). Per node, in time order, the merge interleaves them evenly.
    set(
      "100 files of Stats lines only, one per node (each of the 10 files' Stats and STATS lines, 10 times over)",
      statsPerNodeOf(full, join(root, 'stats-per-node')),
      10,
      statsGb(10),
    ),
    // One such file, read in segments by the main thread and a worker per other core.
    set(
      'one file of Stats lines only (the Stats-only file 25 times over, in one file)',
      [repeatedOf(statsOnly, 25, join(root, 'stats-only-x25.log'))],
      1,
      statsGb(25),
    ),
    // A longer history of such files, read by a worker per core (892 MB, 9 M records): what bounds memory here is
    // the workers' batches handed back and packed into again (spare-buffers.ts), not the collectors' pace.
    set(
      'nine per-node files of Stats and STATS lines over 100 days (generated)',
      densePerNodeOf(join(root, 'dense-per-node-100d'), 9, 100),
      1,
      0.89,
    ),
    // The same lines for a cluster of ten in one file, rotated daily: pieces whose times follow each other, which
    // the merge drains one at a time (the workers read the later ones on meanwhile: src/app/analyze/read-on.ts).
    set(
      "30 daily rotated pieces of a ten-node cluster's Stats and STATS lines (generated)",
      clusterDailyPiecesOf(join(root, 'cluster-daily-30d'), 10, 30),
      1,
      0.31,
    ),
    // Five months of such pieces for a cluster of three: more pieces a worker than read on (read-on.ts), where what
    // reads the next ones ahead is the credit the merge sends the few it reaches next (held-at-once.ts).
    set(
      "150 daily rotated pieces of a three-node cluster's Stats and STATS lines (generated)",
      clusterDailyPiecesOf(join(root, 'cluster-daily-150d'), 3, 150),
      1,
      0.39,
    ),
  ];
  const out: FilesRun[] = [];
  for (const [i, set] of sets.entries()) {
    const dir = join(root, `set-${i}`);
    linkSet(dir, set.sources, set.copies);
    const rss: number[] = [];
    const seconds: number[] = [];
    for (let r = 0; r < runs; r++) {
      const run = timed(process.execPath, [CLI, 'analyze', '--json', dir]);
      rss.push(run.maxRssMb);
      seconds.push(run.seconds);
    }
    console.error(`${set.label}: ${rss.join(', ')} MB, ${seconds.join(', ')} s`);
    out.push({
      label: set.label,
      files: set.sources.length * set.copies,
      gigabytes: set.gigabytes,
      seconds,
      maxRssMb: rss,
    });
  }
  return out;
}
