/**
 * docs/prometheus-rules.yml: `promtool check rules` accepts it, and every series its expressions name is exported by
 * a running daemon's /metrics (scraped over HTTP), with the labels the rules match on and print.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../../src/app/config/index.js';
import { startDaemon } from '../../src/app/daemon/daemon.js';
import { createMetrics } from '../../src/app/daemon/metrics.js';
import { createSink, parseSinkUrl } from '../../src/sim/syslog/sinks.js';
import { callBridgeStatsLine, webBridgeStatsLine } from '../../src/sim/syslog/templates.js';
import { oneNodeLab } from '../helpers/lab-config.js';
import { run } from '../helpers/run.js';
import { until } from '../helpers/until.js';
import { tempDir } from '../sim/helpers.js';

const RULES = 'docs/prometheus-rules.yml';
const PROMTOOL = '/usr/bin/promtool';

interface Rule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
}

test('promtool check rules accepts docs/prometheus-rules.yml', async () => {
  const r = await run(PROMTOOL, ['check', 'rules', RULES]).catch((err: Error) => {
    throw new Error(`${PROMTOOL} is needed (Debian package prometheus): ${err.message}`);
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /SUCCESS: 6 rules found/);
});

test('each rule names only series a running daemon exports, and labels they carry', async (t) => {
  const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap(
    (g) => g.rules,
  );
  assert.deepEqual(
    rules.map((r) => r.alert),
    [
      'WbguardLeakGrowing',
      'WbguardLimitForecastWithinADay',
      'WbguardWebBridgeAtLimit',
      'WbguardRestartFailed',
      'WbguardNodeSilent',
      'WbguardSyslogDrops',
    ],
  );

  const dir = tempDir(t, 'wbguard-rules-');
  const config = parseConfig(oneNodeLab(dir));
  const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000 });
  t.after(() => daemon.close());
  const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${daemon.listeners[0]?.port}`));
  const at = Date.now() - 60_000;
  sink.send('cms1', webBridgeStatsLine(at, 'cms1', 40, 10, 5));
  sink.send('cms1', callBridgeStatsLine(at + 1, 'cms1', 30, 30, 30));
  await until(() => daemon.state.lines.callbridgeStats === 1, 5000, 'ingest');
  await sink.close();

  const scraped = await (await fetch(`${daemon.url}/metrics`)).text();
  const exported = new Set([...scraped.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));
  // The standard process metrics are there too, beside wbguard's own.
  for (const standard of [
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_heap_size_used_bytes',
  ]) {
    assert.ok(exported.has(standard), standard);
  }
  // Label names per metric: from the scraped samples, and from the metric definitions for series without a sample
  // yet (no restart has failed, no syslog message was dropped).
  const labels = new Map<string, Set<string>>();
  for (const m of scraped.matchAll(/^([a-z_:]+)\{([^}]*)\} /gm)) {
    const set = labels.get(m[1] as string) ?? new Set<string>();
    for (const l of (m[2] as string).matchAll(/([a-z_]+)="/g)) {
      set.add(l[1] as string);
    }
    labels.set(m[1] as string, set);
  }
  const defined = createMetrics(
    () => [],
    149,
    () => 0,
  ).registry;
  const labelsOf = (name: string) =>
    labels.get(name) ??
    new Set((defined.getSingleMetric(name) as unknown as { labelNames?: string[] } | undefined)?.labelNames ?? []);

  for (const rule of rules) {
    const names = [...rule.expr.matchAll(/\b(wbguard_[a-z_]+)\b/g)].map((m) => m[1] as string);
    assert.ok(names.length > 0, `${rule.alert} names a wbguard series`);
    for (const name of names) {
      assert.ok(exported.has(name), `${rule.alert}: ${name} is not exported by the daemon`);
    }
    const available = new Set(names.flatMap((n) => [...labelsOf(n)]));
    const matched = [...rule.expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
      [...(m[1] as string).matchAll(/([a-z_]+)\s*(?:=~|!=|!~|=)/g)].map((l) => l[1] as string),
    );
    const printed = Object.values(rule.annotations).flatMap((text) =>
      [...text.matchAll(/\$labels\.([a-z_]+)/g)].map((m) => m[1] as string),
    );
    for (const label of [...matched, ...printed]) {
      assert.ok(available.has(label), `${rule.alert}: label ${label} is not on ${names.join(', ')}`);
    }
  }
  // The series of a Web Bridge and a Call Bridge that were seen carry their names and the cluster.
  assert.match(scraped, /^wbguard_webbridge_stale\{webbridge="cms1",cluster="lab"\} 0$/m);
  assert.match(scraped, /^wbguard_callbridge_stale\{callbridge="cms1",cluster="lab"\} 0$/m);
  const last = /^wbguard_webbridge_last_stats_timestamp_seconds\{webbridge="cms1",cluster="lab"\} (\S+)$/m.exec(
    scraped,
  );
  assert.equal(Math.floor(Number(last?.[1])), Math.floor(at / 1000), "the Stats line's stamp, in epoch seconds");
});
