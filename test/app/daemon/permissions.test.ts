/**
 * What the daemon writes is private: the state folder 0700, the journal, the alert state and the followed files'
 * positions 0600 (they name nodes, commands and outcomes; secrets never go there, but the audit trail is no one
 * else's business).
 */
import assert from 'node:assert/strict';
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { callBridgeStatsLine, webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { until } from '../../helpers/until.js';
import { tempDir } from '../../sim/helpers.js';

test('the state folder is 0700; journal, alerts.json and tail-positions.json are 0600', async (t) => {
  const dir = tempDir(t, 'wbguard-perm-');
  const log = join(dir, 'cms1.log');
  writeFileSync(log, '');
  const state = join(dir, 'state');
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      callbridges: [{ name: 'cms1' }],
      mmp: { probeEveryMs: 0 },
      files: [{ path: log }],
      http: { listen: '127.0.0.1:0' },
      // Everything is at the limit at once: a plan is journaled, an alert state is written.
      policy: { mode: 'dry-run' },
      alerts: [{ type: 'webhook', url: 'env:HOOK', events: ['limit'] }],
      state,
    },
    { env: { HOOK: 'http://127.0.0.1:9/hook' } },
  );
  const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000, alertRetryDelaysMs: [] });
  t.after(() => daemon.close());
  appendFileSync(
    log,
    `${webBridgeStatsLine(Date.now() - 2000, 'cms1', 149, 200, 51)}\n${callBridgeStatsLine(Date.now() - 1000, 'cms1', 0, 0, 0)}\n`,
  );
  await until(() => daemon.state.lines.callbridgeStats === 1, 5000, 'the tailed lines');
  await daemon.evaluate();
  const mode = (p: string) => statSync(p).mode & 0o777;
  assert.equal(mode(state), 0o700);
  for (const f of ['journal.jsonl', 'alerts.json', 'tail-positions.json']) {
    assert.equal(mode(join(state, f)), 0o600, f);
  }
});
