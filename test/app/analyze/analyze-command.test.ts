import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { writeCorpus } from '../../../bench/lib/corpus.js';
import { runCli } from '../../../src/app/cli/program.js';
import { memoryIo } from '../../helpers/cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'wbguard-analyze-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const log = join(dir, 'cluster.log');
const lines: string[] = [];
const leaked = writeCorpus(
  {
    start: Date.UTC(2026, 10, 16),
    days: 2,
    leakPerDay: [30, 0],
    peakReal: 20,
    restarts: [],
    chatterPerStats: 1,
    statsEveryMs: 60_000,
    quietEndHours: 3,
  },
  (_n, l) => lines.push(l),
);
writeFileSync(log, `${lines.join('\n')}\n<script>alert(1)</script> Stats 9, c:</script>\n`);

/** A log file of `lines` in the test's folder: its path. */
function logOf(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

/** `analyze --json` of `file` with `args` (exit 0 asserted): whether each Web Bridge reached its limit. */
async function reachedLimit(file: string, args: readonly string[]): Promise<Array<{ host: string; reached: boolean }>> {
  const io = memoryIo();
  assert.equal(await runCli(['analyze', file, '--json', '--year', '2026', '--no-versions', ...args], io), 0);
  const doc = JSON.parse(io.out()) as { webbridges: Array<{ host: string; reachedLimit: boolean }> };
  return doc.webbridges.map((w) => ({ host: w.host, reached: w.reachedLimit }));
}

describe('wbguard analyze', () => {
  test('--json prints exactly one document with the contract keys', async () => {
    const io = memoryIo();
    assert.equal(await runCli(['analyze', log, '--json', '--year', '2026'], io), 0);
    const doc = JSON.parse(io.out());
    assert.deepEqual(Object.keys(doc).sort(), [
      'callbridges',
      'cluster',
      'errors',
      'lines',
      'recommendations',
      'webbridges',
    ]);
    for (const key of [
      'host',
      'active',
      'peakActive',
      'reachedLimit',
      'limitEpisodes',
      'restarts',
      'leakedMin',
      'leakRatePerDay',
      'limitForecast',
      'lastSeen',
    ]) {
      assert.ok(key in doc.webbridges[0], key);
    }
    for (const key of ['host', 'cma', 'cmaPeak', 'lastSeen']) {
      assert.ok(key in doc.callbridges[0], key);
    }
    for (const key of ['active', 'cma', 'leaked', 'leakedValid', 'at']) {
      assert.ok(key in doc.cluster, key);
    }
    assert.deepEqual(Object.keys(doc.lines).sort(), ['callbridgeStats', 'malformed', 'read', 'webbridgeStats']);
    assert.equal(doc.lines.malformed, 1);
    assert.equal(doc.webbridges[0].leakedMin, leaked[0]);
    assert.ok((leaked[0] ?? 0) > 50);
  });

  test('the summary shows each node, the cluster and the recommendation', async () => {
    const io = memoryIo();
    assert.equal(await runCli(['analyze', log, '--year', '2026'], io), 0);
    assert.match(io.out(), /cms1 +leaking/);
    assert.match(io.out(), /Σ Web Bridge active \d+ − Σ CMA \d+ = \d+ leaked/);
    assert.match(io.out(), /restart cms1 every \d+ days?|restart cms1 every day/);
    assert.doesNotMatch(io.out(), /\u001b\[/, 'no colour when not a TTY');
  });

  test('--html writes one self-contained page that escapes log text', async () => {
    const html = join(dir, 'report.html');
    const io = memoryIo();
    assert.equal(await runCli(['analyze', log, '--year', '2026', '--html', html], io), 0);
    const page = readFileSync(html, 'utf8');
    assert.doesNotMatch(page, /(src|href)\s*=\s*["']?(https?:)?\/\//i);
    assert.match(page, /uPlot/);
    assert.ok(page.includes(`"leakedMin":${leaked[0]}`));
    assert.equal(page.match(/<\/script>/g)?.length, 3, 'only the page’s own three scripts close');
  });

  test('an unreadable input exits 1 after analysing the rest', async () => {
    const io = memoryIo();
    assert.equal(await runCli(['analyze', log, join(dir, 'missing.log'), '--json', '--year', '2026'], io), 1);
    const doc = JSON.parse(io.out());
    assert.equal(doc.errors[0].path, join(dir, 'missing.log'));
    assert.equal(doc.webbridges.length, 2);
    assert.match(io.err(), /cannot read .*missing\.log/);
  });

  for (const [args, pattern] of [
    [['--tz', 'Mars/Olympus'], /--tz is not a known time zone/],
    [['--since', 'yesterday-ish'], /--since is not a date/],
    [['--since', '2026-11-20', '--until', '2026-11-19'], /--since must be before --until/],
    [['--limit', '0'], /--limit must be a whole number/],
    [['--cma-clients', 'some'], /Allowed choices/],
    [['--join-refused', 'limit (\\d+'], /--join-refused is not a regular expression/],
    [['--join-refused-levels', 'ERROR :'], /--join-refused-levels takes up to 8 words/],
  ] as const) {
    test(`usage error exits 2: ${args.join(' ')}`, async () => {
      const io = memoryIo();
      assert.equal(await runCli(['analyze', log, ...args], io), 2);
      assert.match(io.err(), pattern);
    });
  }

  test('join refusals: the assumed wording by default; --config and the flags replace it (the flags win)', async () => {
    const refusals = logOf('refusals.log', [
      'Nov 16 05:00:00 cms1 "webbridge": INFO : Stats 149, c:149, d:0',
      'Nov 16 05:00:01 cms1 "webbridge": ERROR : join refused: session limit reached (149)',
      'Nov 16 05:00:00 cms2 "webbridge": INFO : Stats 12, c:12, d:0',
      'Nov 16 05:00:01 cms2 "webbridge": NOTICE : Participant limit 12 reached',
    ]);
    const config = join(dir, 'refusal-config.yaml');
    writeFileSync(
      config,
      'analysis:\n  joinRefusedPatterns: ["participant limit \\\\d+ reached"]\n  joinRefusedLevels: [NOTICE]\n',
    );
    const refused = async (...args: string[]) => (await reachedLimit(refusals, args)).map((w) => [w.host, w.reached]);
    // cms1 reached 149 (an episode at the limit); cms2, at 12, only by its refusal.
    assert.deepEqual(await refused(), [
      ['cms1', true],
      ['cms2', false],
    ]);
    assert.deepEqual(await refused('--config', config), [
      ['cms1', true],
      ['cms2', true],
    ]);
    assert.deepEqual(await refused('--join-refused', 'participant limit'), [
      ['cms1', true],
      ['cms2', false],
    ]);
    assert.deepEqual(await refused('--join-refused', 'participant limit', '--join-refused-levels', 'any'), [
      ['cms1', true],
      ['cms2', true],
    ]);
    assert.deepEqual(await refused('--config', config, '--join-refused-levels', 'ERROR,WARN'), [
      ['cms1', true],
      ['cms2', false],
    ]);
    const bad = join(dir, 'bad-refusal.yaml');
    writeFileSync(bad, 'analysis:\n  joinRefusedPatterns: ["limit (\\\\d+"]\n');
    const io = memoryIo();
    assert.equal(await runCli(['analyze', refusals, '--config', bad, '--no-versions'], io), 2);
    assert.match(io.err(), /analysis\.joinRefusedPatterns\.0: not a valid regular expression/);
  });

  test('--config: its analysis settings stand where no flag says otherwise', async () => {
    const logFile = logOf('near-limit.log', [
      'Nov 16 05:00:00 cms1 "webbridge": INFO : Stats 120, c:120, d:0',
      'Nov 16 05:00:10 cms1 "webbridge": INFO : Stats 121, c:121, d:0',
    ]);
    const config = join(dir, 'limit-config.yaml');
    writeFileSync(config, 'analysis:\n  limit: 100\n  cmaClients: mixed\n');
    const run = async (...args: string[]) => (await reachedLimit(logFile, args))[0]?.reached;
    assert.equal(await run(), false, 'the default limit, 149');
    assert.equal(await run('--config', config), true, "the config's limit, 100");
    assert.equal(await run('--config', config, '--limit', '149'), false, 'a flag given wins');
    assert.equal(await run('--limit', '110'), true);
  });

  test('no path is a usage error', async () => {
    const io = memoryIo();
    assert.equal(await runCli(['analyze'], io), 2);
  });
});
