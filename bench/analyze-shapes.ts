/**
 * Benchmark: `wbguard analyze --json` against `grep -c -E 'Stats |STATS:'` on every shape a CMS log takes in the
 * field (bench/lib/shapes.ts), one corpus per shape plus a mix (each node's file in another shape) and the mix
 * compressed (`.gz` pieces and a CMS log bundle, against `zgrep`). Each corpus has what made analyze slow in the
 * field (issue 17): a fifth of the lines at WARNING or ERROR level (`--warn-share`), long lines (4–64 KB, one in
 * 25,000), and rotated pieces: each node's log in two files (`cmsN.log.1` older, `cmsN.log` newer, given in name
 * order) except node 1, whose single file holds its newer piece before its older one. `one-file` is the mix's lines
 * in one file, every node's in time order, as a syslog server writing one file for the whole cluster has them.
 * With `--baseline DIR` (a built checkout: DIR/src/app/cli/main.js) the baseline is timed in the same rounds and
 * its output must be byte for byte analyze's.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { envWithoutExtraCerts, extraCertsNote, median, timed } from './analyze-vs-grep.js';
import { buildCli, cliIn } from './built-cli.js';

/** Two decimals for the report (a median of two rounds is their mean: 0.5800000000000001 otherwise). */
const round = (x: number) => Math.round(x * 100) / 100;

import { DAY_MS, writeCorpus } from './lib/corpus.js';
import { LineWriter } from './lib/line-writer.js';
import { renderShape, SHAPES, type Shape } from './lib/shapes.js';

export const CORPORA = ['mix', ...SHAPES, 'mix-gz', 'one-file'] as const;
export type CorpusName = (typeof CORPORA)[number];

const NODES = 10;
/** Bytes per line, about, for sizing the corpus. */
const LINE_BYTES = 115;
const CHATTER_PER_STATS = 80;
const LONG_EVERY = 25_000;

export interface ShapeRun {
  corpus: CorpusName;
  bytes: number;
  files: number;
  lines: number;
  statsLines: number;
  grepSeconds: number[];
  grepCpuSeconds: number[];
  analyzeSeconds: number[];
  analyzeCpuSeconds: number[];
  analyzeRssMb: number[];
  baselineSeconds?: number[];
  /** analyze / grep of each round. */
  ratios: number[];
  /** analyze's CPU time / grep's of each round: steadier than wall time when other work loads the machine. */
  cpuRatios: number[];
  /** baseline / analyze of each round. */
  speedups?: number[];
  /**
   * analyze again with NODE_EXTRA_CA_CERTS unset, when the environment sets it (this project's does): Node parses
   * that certificate bundle at every start, before any of wbguard's code runs (~0.09 s here), and grep pays nothing
   * like it. The ratios keep the environment as it is; these are for information.
   */
  noExtraCertsSeconds?: number[];
  /** analyze with NODE_EXTRA_CA_CERTS unset / grep, each round. */
  noExtraCertsRatios?: number[];
}

export interface ShapesResult {
  rounds: number;
  load: [number, number];
  runs: ShapeRun[];
}

/** The shape of node `i`'s lines in `corpus`: the mix gives each node another shape. */
function shapeOf(corpus: CorpusName, node: number): Shape {
  if (corpus === 'mix' || corpus === 'mix-gz' || corpus === 'one-file') {
    return SHAPES[node % SHAPES.length] as Shape;
  }
  return corpus;
}

/** A WARNING (or, one in ten, an ERROR) line from an ordinary INFO one: the level CMS writes in the message. */
function asWarning(line: string, n: number): string {
  const error = n % 10 === 0;
  return line
    .replace('.info ', error ? '.err ' : '.warning ')
    .replace(' INFO : ', error ? ' ERROR : ' : ' WARNING : ')
    .concat(error ? ' (retry failed)' : ' (slow response)');
}

/** A long line (4–64 KB): an API trace with its whole request body, as CMS writes at debug level. */
function asLong(line: string, n: number): string {
  const length = 4096 + ((n * 7919) % 59_000);
  const body = `{"k${n % 97}":"${'v'.repeat(40)}"},`;
  return `${line} body=[${body.repeat(Math.ceil(length / body.length)).slice(0, length)}]`;
}

function makeCorpus(dir: string, corpus: CorpusName, targetMb: number, warnShare: number): void {
  const marker = join(dir, `.complete-v1-${targetMb}-${warnShare}`);
  if (existsSync(marker)) {
    return;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bytesPerDay = NODES * (86_400 / 10) * (CHATTER_PER_STATS + 1) * LINE_BYTES;
  // A fraction of a day for small corpora: the corpus measures reading, whatever the hours it covers.
  const days = Math.max(0.05, Math.round((targetMb * 1e6 * 100) / bytesPerDay) / 100);
  const start = Date.UTC(2026, 9, 1);
  const splitAt = start + Math.round(days * 0.6 * DAY_MS);
  // Each node: [older piece, newer piece]; `one-file`: every node's lines, as they come, in one file (a syslog
  // server writing one file for the whole cluster).
  const oneFile = corpus === 'one-file';
  const pieces = oneFile
    ? [[join(dir, 'cms-cluster.log')]]
    : Array.from({ length: NODES }, (_, i) =>
        i === 0
          ? [join(dir, 'cms1.log.older'), join(dir, 'cms1.log.newer')]
          : [join(dir, `cms${i + 1}.log.1`), join(dir, `cms${i + 1}.log`)],
      );
  const writers = pieces.map((p) => p.map((f) => new LineWriter(openSync(f, 'w'))));
  let infoLines = 0;
  let warnAcc = 0;
  let chatter = 0;
  // 7 of the 8 kinds of ordinary line are INFO lines: their share of warnings is raised to give `warnShare` of all.
  const warnPerInfo = (warnShare * 8) / 7;
  writeCorpus(
    {
      start,
      days,
      leakPerDay: Array.from({ length: NODES }, (_, i) => (i % 3) * 5),
      peakReal: 40,
      restarts: [{ node: 0, atMs: DAY_MS + 7_200_000 }],
      chatterPerStats: CHATTER_PER_STATS,
      statsEveryMs: 10_000,
      quietEndHours: 3,
    },
    (node, raw, kind, at) => {
      let line = raw;
      if (kind === 'chatter') {
        chatter++;
        if (line.includes(' INFO : ')) {
          infoLines++;
          warnAcc += warnPerInfo;
          if (warnAcc >= 1) {
            warnAcc -= 1;
            line = asWarning(line, infoLines);
          }
        }
        if (chatter % LONG_EVERY === 0) {
          line = asLong(line, chatter);
        }
      }
      const i = oneFile ? 0 : node;
      const k = oneFile || at < splitAt ? 0 : 1;
      const writer = writers[i]?.[k] as LineWriter;
      writer.add(renderShape(shapeOf(corpus, node), line, at, node));
    },
  );
  for (const w of writers.flat()) {
    w.flush();
    closeSync(w.fd);
  }
  if (!oneFile) {
    // Node 1: one file, its newer piece first (rotated pieces concatenated out of time order).
    spawnSync('sh', ['-c', 'cat cms1.log.newer cms1.log.older > cms1.log && rm cms1.log.newer cms1.log.older'], {
      cwd: dir,
    });
  }
  writeFileSync(marker, '');
}

/** The mix with every older piece gzipped and node 10's pieces in a CMS log bundle (`logbundle.tar.gz`). */
async function compressCorpus(from: string, dir: string, targetMb: number, warnShare: number): Promise<void> {
  const marker = join(dir, `.complete-v1-${targetMb}-${warnShare}`);
  if (existsSync(marker)) {
    return;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const last = `cms${NODES}`;
  for (const f of readdirSync(from).filter((f) => f.startsWith('cms') && !f.startsWith(`${last}.`))) {
    if (f.endsWith('.1')) {
      await pipeline(
        createReadStream(join(from, f)),
        createGzip({ level: 6 }),
        createWriteStream(join(dir, `${f}.gz`)),
      );
    } else {
      spawnSync('cp', [join(from, f), join(dir, f)]);
    }
  }
  const bundle = join(dir, 'bundle');
  mkdirSync(bundle);
  spawnSync('cp', [join(from, `${last}.log`), join(bundle, 'syslog')]);
  spawnSync('sh', ['-c', `gzip -c ${join(from, `${last}.log.1`)} > ${join(bundle, 'syslog.1.gz')}`]);
  spawnSync('tar', ['-czf', join(dir, 'logbundle.tar.gz'), '-C', bundle, 'syslog', 'syslog.1.gz']);
  rmSync(bundle, { recursive: true });
  writeFileSync(marker, '');
}

function countOf(stdout: string): number {
  return stdout
    .trim()
    .split('\n')
    .reduce((a, l) => a + Number(l.split(':').pop()), 0);
}

export interface ShapesOptions {
  readonly sizeMb: number;
  readonly rounds: number;
  readonly corpora: readonly CorpusName[];
  readonly warnShare: number;
  /**
   * A built checkout's dist/ (its bundle, or DIR/src/app/cli/main.js), timed in the same rounds; outputs must be
   * identical.
   */
  readonly baseline?: string;
}

export async function benchAnalyzeShapes(o: ShapesOptions): Promise<ShapesResult> {
  buildCli();
  const root = join('bench', '.corpus', 'shapes');
  const dirs = new Map<CorpusName, string>();
  for (const corpus of o.corpora) {
    const dir = join(root, `${corpus}-${o.sizeMb}mb`);
    console.error(`corpus: ${dir}`);
    if (corpus === 'mix-gz') {
      const mix = join(root, `mix-${o.sizeMb}mb`);
      makeCorpus(mix, 'mix', o.sizeMb, o.warnShare);
      await compressCorpus(mix, dir, o.sizeMb, o.warnShare);
    } else {
      makeCorpus(dir, corpus, o.sizeMb, o.warnShare);
    }
    dirs.set(corpus, dir);
  }
  const cli = (dist: string) => [process.execPath, cliIn(dist), 'analyze', '--json'];
  const ours = cli('dist');
  const base = o.baseline ? cli(o.baseline) : undefined;
  const load0 = loadavg()[0] ?? 0;
  const envWithoutCerts = envWithoutExtraCerts();
  const runs: ShapeRun[] = o.corpora.map((corpus) => {
    const dir = dirs.get(corpus) as string;
    const files = readdirSync(dir)
      .filter((f) => f.startsWith('cms') || f.endsWith('.tar.gz'))
      .sort()
      .map((f) => join(dir, f));
    return {
      corpus,
      bytes: files.reduce((a, f) => a + statSync(f).size, 0),
      files: files.length,
      lines: 0,
      statsLines: 0,
      grepSeconds: [],
      grepCpuSeconds: [],
      analyzeSeconds: [],
      analyzeCpuSeconds: [],
      analyzeRssMb: [],
      ...(base ? { baselineSeconds: [], speedups: [] } : {}),
      ...(envWithoutCerts ? { noExtraCertsSeconds: [], noExtraCertsRatios: [] } : {}),
      ratios: [],
      cpuRatios: [],
      paths: files,
    } as ShapeRun & { paths: string[] };
  });
  for (let round = 0; round < o.rounds; round++) {
    for (const run of runs as Array<ShapeRun & { paths: string[] }>) {
      const files = run.paths;
      spawnSync('cat', files, { stdio: ['ignore', 'ignore', 'inherit'] });
      const grep = run.corpus === 'mix-gz' ? 'zgrep' : 'grep';
      const g = timed(grep, ['-c', '-E', 'Stats |STATS:', ...files]);
      run.grepSeconds.push(g.seconds);
      run.grepCpuSeconds.push(g.cpuSeconds);
      const a = timed(ours[0] as string, [...ours.slice(1), ...files]);
      run.analyzeSeconds.push(a.seconds);
      run.analyzeCpuSeconds.push(a.cpuSeconds);
      run.analyzeRssMb.push(a.maxRssMb);
      run.ratios.push(Math.round((a.seconds / g.seconds) * 100) / 100);
      run.cpuRatios.push(Math.round((a.cpuSeconds / Math.max(g.cpuSeconds, 0.01)) * 10) / 10);
      const doc = JSON.parse(a.stdout) as { lines: { read: number; webbridgeStats: number; callbridgeStats: number } };
      run.lines = doc.lines.read;
      run.statsLines = doc.lines.webbridgeStats + doc.lines.callbridgeStats;
      // zgrep does not see into the bundle's .gz entries: the compressed mix must hold the plain mix's records.
      const matches =
        run.corpus === 'mix-gz'
          ? (runs.find((x) => x.corpus === 'mix')?.statsLines ?? run.statsLines)
          : countOf(g.stdout);
      if (run.statsLines !== matches) {
        throw new Error(`${run.corpus}: analyze found ${run.statsLines} stats lines, ${grep} ${matches}`);
      }
      if (envWithoutCerts) {
        const n = timed(ours[0] as string, [...ours.slice(1), ...files], envWithoutCerts);
        run.noExtraCertsSeconds?.push(n.seconds);
        run.noExtraCertsRatios?.push(Math.round((n.seconds / g.seconds) * 100) / 100);
        if (n.stdout !== a.stdout) {
          throw new Error(`${run.corpus}: analyze's output differs without NODE_EXTRA_CA_CERTS`);
        }
      }
      if (base) {
        const b = timed(base[0] as string, [...base.slice(1), ...files]);
        run.baselineSeconds?.push(b.seconds);
        run.speedups?.push(Math.round((b.seconds / a.seconds) * 100) / 100);
        if (b.stdout !== a.stdout) {
          throw new Error(`${run.corpus}: the baseline's output differs from analyze's`);
        }
      }
      console.error(
        `round ${round + 1}/${o.rounds} ${run.corpus}: ${grep} ${g.seconds} s, analyze ${a.seconds} s${envWithoutCerts ? ` (${run.noExtraCertsSeconds?.at(-1)} s without NODE_EXTRA_CA_CERTS)` : ''}${base ? `, baseline ${run.baselineSeconds?.at(-1)} s` : ''}`,
      );
    }
  }
  return { rounds: o.rounds, load: [load0, loadavg()[0] ?? 0], runs };
}

/** The report's table, one row per corpus. */
export function shapesReport(r: ShapesResult): string[] {
  const base = r.runs.some((x) => x.baselineSeconds);
  const certs = r.runs.some((x) => x.noExtraCertsSeconds);
  return [
    `${r.rounds} rounds, the corpora and tools interleaved in each, page cache warmed before each tool pair. Load average ${r.load[0].toFixed(1)} before, ${r.load[1].toFixed(1)} after.`,
    ...(certs ? ['', extraCertsNote('the two columns "without NODE_EXTRA_CA_CERTS" are')] : []),
    '',
    `| corpus | GB | files | lines | stats lines | grep s | analyze s | grep / analyze CPU s | peak RSS | analyze / grep (median; range) | CPU analyze / grep |${certs ? ' without NODE_EXTRA_CA_CERTS s | its / grep |' : ''}${base ? ' baseline s | baseline / analyze |' : ''}`,
    `|---|---|---|---|---|---|---|---|---|---|---|${certs ? '---|---|' : ''}${base ? '---|---|' : ''}`,
    ...r.runs.map(
      (x) =>
        `| ${x.corpus} | ${(x.bytes / 1e9).toFixed(2)} | ${x.files} | ${x.lines.toLocaleString('en')} | ${x.statsLines.toLocaleString('en')} | ${round(median(x.grepSeconds))} | ${round(median(x.analyzeSeconds))} | ${round(median(x.grepCpuSeconds))} / ${round(median(x.analyzeCpuSeconds))} | ${Math.max(...x.analyzeRssMb)} MB | **${round(median(x.ratios))}×** (${Math.min(...x.ratios)}–${Math.max(...x.ratios)}) | ${round(median(x.cpuRatios))}× |${x.noExtraCertsSeconds ? ` ${round(median(x.noExtraCertsSeconds))} | ${round(median(x.noExtraCertsRatios ?? []))}× |` : ''}${x.baselineSeconds ? ` ${round(median(x.baselineSeconds))} | ${round(median(x.speedups ?? []))}× |` : ''}`,
    ),
  ];
}
