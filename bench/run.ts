/**
 * `npm run bench`: runs the benchmarks and prints a short report (Markdown) to paste into docs/benchmarks.md.
 * Options: `--size MB` corpus size for analyze vs grep (default 1100), `--rounds N` (default 9; ingest: 3), `--only NAME`
 * (`analyze-files`: RSS with many files, on the analyze corpus; `--runs N`, default 2); for
 * `store`: `--scale F` (fraction of the 50 clusters, default 1), `--days D` (default 30), `--runs N` (default 3); for
 * `ingest`: `--count N` TCP messages per round in the 1 % mix (default 2,000,000), `--stats-count N` in the 100 % mix
 * (default 500,000), `--tcp-only`, `--baseline DIR` (another checkout, built: measured in the same rounds),
 * `--warn-share F` (share of the chatter at WARNING level, default 0).
 */
import { benchAnalyzeFiles } from './analyze-files.js';
import { benchAnalyzeShapes, CORPORA, type CorpusName, shapesReport } from './analyze-shapes.js';
import { benchAnalyzeVsGrep, extraCertsNote, machine, median, type ToolRuns } from './analyze-vs-grep.js';
import { benchApiPoll } from './api-poll.js';
import { benchDashboard } from './dashboard.js';
import { benchIngest } from './ingest.js';
import { ingestReport } from './ingest-report.js';
import { missingPrerequisites } from './lib/prerequisites.js';
import { benchRss } from './rss.js';
import { benchSshCost } from './ssh-cost.js';
import { benchStore } from './store.js';

const args = process.argv.slice(2);
const sizeAt = args.indexOf('--size');
const size = sizeAt >= 0 ? Number(args[sizeAt + 1]) : 1100;
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 9;
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const numberArg = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};

const missing = missingPrerequisites(only);
if (missing) {
  process.stderr.write(`${missing}\n`);
  process.exit(1);
}

const report: string[] = [`Machine: ${machine()}`, ''];
if (!only || only === 'analyze') {
  const r = await benchAnalyzeVsGrep(size, rounds);
  const row = (name: string, t: ToolRuns) =>
    `| ${name} | ${median(t.seconds)} | ${Math.min(...t.seconds)}–${Math.max(...t.seconds)} | ${median(t.cpuSeconds)} | ${Math.max(...t.maxRssMb)} MB |`;
  const rss = Math.max(...r.analyze.maxRssMb, ...r.analyzeOneThread.maxRssMb);
  report.push(
    '## analyze vs grep',
    '',
    `Corpus: ${(r.corpusBytes / 1e9).toFixed(2)} GB in ${r.files} files, ${r.lines.toLocaleString('en')} lines, ${r.grep.matches.toLocaleString('en')} stats lines. ${r.rounds} rounds, the tools interleaved in each, page cache warmed before each round. Load average ${r.load[0].toFixed(1)} before, ${r.load[1].toFixed(1)} after.`,
    '',
    '| tool | median s | range s | median CPU s (user+sys) | peak RSS |',
    '|---|---|---|---|---|',
    row("`grep -c -E 'Stats |STATS:'`", r.grep),
    ...(r.rg ? [row('`rg -c`', r.rg)] : []),
    row('`wbguard analyze --json` (default: a scan worker per core from 1 GiB of input)', r.analyze),
    row('`wbguard analyze --json --jobs 0` (one thread)', r.analyzeOneThread),
    ...(r.analyzeNoExtraCerts
      ? [row('`wbguard analyze --json`, NODE_EXTRA_CA_CERTS unset (see below)', r.analyzeNoExtraCerts)]
      : []),
    '',
    `analyze / grep per round: ${r.ratios.join(', ')}; median **${median(r.ratios)}×** (goal ≤ 1.5×: ${median(r.ratios) <= 1.5 ? 'met' : 'NOT met'}). RSS goal < 200 MB: ${rss < 200 ? 'met' : 'NOT met'} (${rss} MB).`,
    ...(r.analyzeNoExtraCerts ? ['', extraCertsNote('the last row is the default')] : []),
  );
}
if (!only || only === 'analyze-shapes') {
  const shapeAt = args.indexOf('--shape');
  const corpora = (shapeAt >= 0 ? (args[shapeAt + 1] ?? '').split(',') : [...CORPORA]) as CorpusName[];
  const unknown = corpora.filter((c) => !(CORPORA as readonly string[]).includes(c));
  if (unknown.length > 0) {
    throw new Error(`--shape: unknown ${unknown.join(', ')} (one or more of ${CORPORA.join(', ')})`);
  }
  const baselineAt = args.indexOf('--baseline');
  const r = await benchAnalyzeShapes({
    sizeMb: sizeAt >= 0 ? size : 300,
    rounds: roundsAt >= 0 ? rounds : 5,
    corpora,
    warnShare: numberArg('--warn-share', 0.2),
    ...(baselineAt >= 0 && args[baselineAt + 1] ? { baseline: args[baselineAt + 1] as string } : {}),
  });
  report.push('', '## analyze vs grep, per shape', '', ...shapesReport(r));
}
if (!only || only === 'analyze-files') {
  const runs = benchAnalyzeFiles(`bench/.corpus/analyze-${size}mb`, numberArg('--runs', 2));
  report.push(
    '',
    '## analyze: peak RSS with many files at once',
    '',
    '| input | files | peak RSS (each run) | goal < 200 MB | seconds (each run) |',
    '|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.label} (${r.gigabytes} GB) | ${r.files} | ${r.maxRssMb.map((m) => `${m} MB`).join(', ')} | ${Math.max(...r.maxRssMb) < 200 ? 'met' : 'NOT met'} | ${r.seconds.join(', ')} |`,
    ),
  );
}
if (!only || only === 'ssh') {
  const r = await benchSshCost(30);
  report.push(
    '',
    '## SSH restart cost per node',
    '',
    `Same sshd (Debian OpenSSH, forced-command MMP stand-in, ed25519 key auth) on 127.0.0.1, same command \`webbridge restart\`, ${r.runs} runs each, milliseconds from start to result read (the Web Bridge's own restart and the verification wait excluded).`,
    '',
    '| client | median ms | p90 ms |',
    '|---|---|---|',
    `| wbguard (ssh2, host key checked against known_hosts) | ${r.wbguard.median} | ${r.wbguard.p90} |`,
    `| OpenSSH \`ssh\` (a new process each time) | ${r.ssh.median} | ${r.ssh.p90} |`,
    ...(r.cisco
      ? [`| Cisco's script (paramiko, exec_command, sleep 1 s, close; 5 runs) | ${r.cisco.median} | ${r.cisco.p90} |`]
      : []),
    '',
    `wbguard / ssh = ${(r.wbguard.median / r.ssh.median).toFixed(2)}× (goal ≤ 1)${r.cisco ? `; Cisco's script / wbguard = ${(r.cisco.median / r.wbguard.median).toFixed(1)}× (goal ≥ 5)` : ''}.`,
  );
}
if (!only || only === 'ingest') {
  const baselineAt = args.indexOf('--baseline');
  const r = await benchIngest({
    counts: { day: numberArg('--count', 2_000_000), stats: numberArg('--stats-count', 500_000) },
    rounds: numberArg('--rounds', 3),
    baseline: baselineAt >= 0 ? args[baselineAt + 1] : undefined,
    tcpOnly: args.includes('--tcp-only'),
    warnShare: numberArg('--warn-share', 0),
  });
  report.push('', ...ingestReport(r));
}
if (!only || only === 'dashboard') {
  const r = await benchDashboard();
  report.push(
    '',
    '## Dashboard: 30 days',
    '',
    `A daemon whose store holds 30 days of Stats for 10 Web Bridges (one a minute) and 10 Call Bridges (every 5 minutes): ${r.records.toLocaleString('en')} records, replayed at start in ${r.startSeconds} s. History API median of 5 for 30 days, 1,200 points per series (goal: the 30-day view in under a second).`,
    '',
    '| what | ms |',
    '|---|---|',
    `| \`GET /api/v1/history\` 30 days (${Math.round(r.apiBytes / 1024)} KB, ${r.points} points per series) | ${r.apiMs} |`,
    `| Chromium: click "30 d" → every chart drawn (slowest of 2) | ${r.pageMs} |`,
  );
}
if (!only || only === 'rss') {
  const r = await benchRss();
  report.push(
    '',
    '## Daemon memory: 30 days of history for 20 nodes',
    '',
    `A store filled with ${r.days} days for ${r.nodes} nodes (Web Bridge Stats every ${r.statsEverySec} s, Call Bridge STATS every 5 min): ${r.records.toLocaleString('en')} records in ${r.fillSeconds} s. \`wbguard run\` (built) starts on it with a ${r.days + 1}-day raw retention, replays it, then takes live Stats from ${r.nodes} nodes over TCP (${r.liveMessages.toLocaleString('en')} messages in 60 s). Goal: RSS under 150 MB.`,
    '',
    '| start-up (replay) | RSS after start | RSS after the live minute | peak RSS |',
    '|---|---|---|---|',
    `| ${r.startSeconds} s | ${r.rssAfterStartMb} MB | ${r.rssAfterLiveMb} MB | ${r.peakRssMb} MB |`,
  );
}
if (!only || only === 'api') {
  const rows = await benchApiPoll();
  report.push(
    '',
    '## CMS API polling cost',
    '',
    'One simulated Call Bridge with about 500 call legs (guests, SIP legs, distribution links), its HTTPS API on 127.0.0.1; page size 100, 8 leg details in parallel.',
    '',
    '| poll | legs | requests | ms |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.poll} | ${r.legs} | ${r.requests} | ${r.ms} |`),
  );
}
if (!only || only === 'store') {
  const r = await benchStore({
    scale: numberArg('--scale', 1),
    days: numberArg('--days', 30),
    runs: numberArg('--runs', 3),
  });
  const { shape } = r;
  const row = (what: string, f: (x: typeof r.sqlite) => string) => `| ${what} | ${f(r.sqlite)} | ${f(r.postgres)} |`;
  report.push(
    '',
    "## Store: a fleet's history",
    '',
    `${shape.clusters} cluster(s) × ${shape.nodesPerCluster} nodes (Web Bridge Stats every 60 s, Call Bridge STATS every 5 min) × ${shape.days} days: ${r.records.toLocaleString('en')} records, appended in time order in batches of 5,000. Queries: one cluster's ${shape.nodesPerCluster} Web Bridges, warm, median of 7 after one warm-up; everything median of ${r.runs} run(s).`,
    '',
    '| | SQLite (SqliteStore) | PostgreSQL (PgStore) |',
    '|---|---|---|',
    row('ingest, records/s', (x) => x.ingestPerSecond.toLocaleString('en')),
    row('ingest, seconds', (x) => String(x.ingestSeconds)),
    row('records stored', (x) => x.stored.toLocaleString('en')),
    row('store size', (x) => `${x.sizeMb} MB${x.minutesMb === undefined ? '' : ` (minutes: ${x.minutesMb} MB)`}`),
    row('`minuteSeries` 24 h, ms', (x) => `${x.day} (${x.pointsDay} points)`),
    row(`\`minuteSeries\` ${shape.days} d, ms`, (x) => `${x.month} (${x.pointsMonth} points)`),
    row(
      '`recordsSince` 24 h (every cluster), ms',
      (x) => `${x.rawDay} (${x.rawDayRecords.toLocaleString('en')} records)`,
    ),
    row('`eachRecordSince` 24 h (every cluster), ms', (x) => String(x.rawDayEach)),
  );
}
console.log(report.join('\n'));
