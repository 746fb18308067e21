/**
 * `npm run bench`: runs the benchmarks and prints a short report (Markdown) to paste into docs/benchmarks.md.
 * Options: `--size MB` corpus size for analyze vs grep (default 1100), `--rounds N` (default 9), `--only NAME`.
 */
import { benchAnalyzeVsGrep, machine, median, type ToolRuns } from './analyze-vs-grep.js';
import { benchApiPoll } from './api-poll.js';
import { benchIngest } from './ingest.js';
import { benchSshCost } from './ssh-cost.js';

const args = process.argv.slice(2);
const sizeAt = args.indexOf('--size');
const size = sizeAt >= 0 ? Number(args[sizeAt + 1]) : 1100;
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 9;
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;

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
    row('`wbguard analyze --json` (default: worker + main thread)', r.analyze),
    row('`wbguard analyze --json --jobs 0` (one thread)', r.analyzeOneThread),
    '',
    `analyze / grep per round: ${r.ratios.join(', ')}; median **${median(r.ratios)}×** (goal ≤ 1.5×: ${median(r.ratios) <= 1.5 ? 'met' : 'NOT met'}). RSS goal < 200 MB: ${rss < 200 ? 'met' : 'NOT met'} (${rss} MB).`,
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
  const rows = await benchIngest();
  report.push(
    '',
    '## Syslog ingest',
    '',
    "One run on 127.0.0.1: a sender process (bench/sender.ts) sends CMS Stats lines — TCP octet-counted as fast as the receiver takes them, UDP paced at 100k/s in bursts of 1000 — to `wbguard run` (parsing, analysis, SQLite) and to Debian's rsyslogd (imtcp/imudp to a file). Seconds from the first message sent to the last one received.",
    '',
    '| receiver | transport | sent | received | lost | seconds | messages/s | peak RSS |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.receiver} | ${r.transport} | ${r.sent} | ${r.received} | ${r.sent - r.received} | ${r.seconds} | ${r.perSecond} | ${r.rssMb === undefined ? '—' : `${r.rssMb} MB`} |`,
    ),
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
console.log(report.join('\n'));
