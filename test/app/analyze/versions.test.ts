/**
 * `analyze --config` asks each Call Bridge's CMS API (the simulator's, over HTTPS) which version it runs and says
 * what it means for the leak; a node without an API is listed as unknown, and --no-versions asks nothing.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { runCli } from '../../../src/app/cli/program.js';
import { callBridgeStatsLine, webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

test('analyze --config shows each node’s CMS version and what it means; --no-versions skips the API', async (t) => {
  const dir = tempDir(t, 'wbguard-versions-');
  const sim = await simulator(t, { nodes: 2 });
  const [a, b] = sim.api.nodes;
  assert.ok(a && b);
  const configPath = join(dir, 'wbguard.yaml');
  writeFileSync(
    configPath,
    stringify({
      webbridges: [{ name: a.name, mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      callbridges: [
        { name: a.name, api: { url: a.url, username: 'api', password: 'env:API_PW', ca: sim.api.caCertPath } },
        { name: b.name },
      ],
    }),
    { mode: 0o600 },
  );
  const log = join(dir, 'cms.log');
  const at = Date.UTC(2026, 10, 20, 10, 0, 0);
  writeFileSync(
    log,
    `${webBridgeStatsLine(at, a.name, 40, 50, 10)}\n${callBridgeStatsLine(at + 1, a.name, 3, 3, 0)}\n`,
  );

  const io = memoryIo({ API_PW: SIM_PASSWORD });
  assert.equal(await runCli(['analyze', log, '--config', configPath], io), 0, io.err());
  assert.match(io.out(), /CMS versions \(CMS API\):/);
  assert.match(
    io.out(),
    new RegExp(
      `${a.name}: CMS \\d+\\.\\d+[.\\d]*: (affected|CMS 3).*; now ${sim.state().callbridges.find((c) => c.name === a.name)?.cma} real CMA legs by the API`,
    ),
  );
  assert.match(io.out(), new RegExp(`${b.name}: CMS version unknown \\(no callbridges\\[\\]\\.api configured\\)`));

  const json = memoryIo({ API_PW: SIM_PASSWORD });
  assert.equal(await runCli(['analyze', log, '--config', configPath, '--json'], json), 0, json.err());
  const doc = JSON.parse(json.out()) as { versions: Array<{ name: string; version: string | null }> };
  assert.deepEqual(
    doc.versions.map((v) => [v.name, typeof v.version]),
    [
      [a.name, 'string'],
      [b.name, 'object'],
    ],
  );

  const wrong = memoryIo({ API_PW: 'not-the-password' });
  assert.equal(await runCli(['analyze', log, '--config', configPath], wrong), 0, wrong.err());
  assert.match(wrong.out(), new RegExp(`${a.name}: CMS version unknown \\(WBGUARD_ERR_API_AUTH`));
  assert.ok(!wrong.out().includes('not-the-password'));

  const none = memoryIo({});
  assert.equal(await runCli(['analyze', log, '--config', configPath, '--no-versions'], none), 0, none.err());
  assert.doesNotMatch(none.out(), /CMS versions/);
});
