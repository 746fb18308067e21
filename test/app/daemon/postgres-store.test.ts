/**
 * `wbguard run` on `store: postgres://…` (a real PostgreSQL the test starts): records received over syslog are
 * committed there, a second daemon started on the same database replays them, events and the per-minute history
 * come from it, and the password is given by reference only and appears in no log line.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { createSink, parseSinkUrl } from '../../../src/sim/syslog/sinks.js';
import { callBridgeStatsLine, webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { capturingLogger } from '../../helpers/capturing-logger.js';
import { startPostgres } from '../../helpers/postgres.js';
import { until } from '../../helpers/until.js';
import { tempDir } from '../../sim/helpers.js';

test('the daemon stores in PostgreSQL and a second daemon on the same database replays it', async (t) => {
  const pg = await startPostgres();
  t.after(() => pg.stop());
  const database = await pg.createDatabase();
  const dir = tempDir(t, 'wbguard-pg-daemon-');
  const logLines: string[] = [];
  const logger = capturingLogger(logLines);
  const env = { PGPW: pg.password };
  const build = (state: string) =>
    parseConfig(
      {
        cluster: 'lab',
        webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
        callbridges: [{ name: 'cms1' }],
        mmp: { probeEveryMs: 0 },
        syslog: { tcp: '127.0.0.1:0' },
        http: { listen: '127.0.0.1:0' },
        store: { url: pg.url(database, 'disable'), password: 'env:PGPW' },
        state: join(dir, state),
      },
      { env },
    );
  const first = await startDaemon(build('a'), { env, evaluateEveryMs: 3_600_000, log: logger });
  const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${first.listeners.find((l) => l.transport === 'tcp')?.port}`));
  const t0 = Date.now() - 10 * 60_000;
  for (let i = 0; i < 50; i++) {
    sink.send('cms1', webBridgeStatsLine(t0 + i * 10_000, 'cms1', 60 + (i % 5), i, i));
  }
  sink.send('cms1', callBridgeStatsLine(t0 + 500_001, 'cms1', 4, 4, 0));
  await until(
    () => first.state.lines.webbridgeStats === 50 && first.state.lines.callbridgeStats === 1,
    10_000,
    'ingest',
  );
  await sink.close();
  await first.evaluate();
  await first.close();
  const rows = await pg.query<{ n: number }>(database, 'SELECT count(*)::int AS n FROM records');
  assert.equal(rows[0]?.n, 51, 'every record committed to PostgreSQL');

  // Another daemon (another state folder: the history lives in the database) replays what the first stored.
  const second = await startDaemon(build('b'), { env, evaluateEveryMs: 3_600_000, log: logger });
  t.after(() => second.close());
  const report = second.state.report(Date.now());
  assert.equal(report.webbridges.find((w) => w.name === 'cms1')?.active, 60 + (49 % 5));
  assert.equal(report.callbridges.find((c) => c.name === 'cms1')?.cma, 4);
  const from = new Date(Date.now() - 3 * 86_400_000).toISOString();
  const h = (await (await fetch(`${second.url}/api/v1/history?from=${from}`)).json()) as {
    webbridges: Array<{ active: { v: number[] } }>;
  };
  assert.ok((h.webbridges[0]?.active.v.length ?? 0) > 0, 'the per-minute history comes from PostgreSQL');
  assert.ok(Math.max(...(h.webbridges[0]?.active.v ?? [])) === 64);
  assert.ok(!logLines.join('\n').includes(pg.password), 'the password is in no log line');
});
