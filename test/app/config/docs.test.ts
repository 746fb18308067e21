import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configKeyRows, renderConfigurationDoc } from '../../../src/app/config/docs.js';
import { EXAMPLE_CONFIG } from '../../../src/app/config/example.js';

test('docs/configuration.md is what npm run docs:config writes from the schema (run it after a schema change)', () => {
  assert.equal(readFileSync('docs/configuration.md', 'utf8'), renderConfigurationDoc(), 'run npm run docs:config');
});

test('every key of the schema has a description in the reference', () => {
  const rows = configKeyRows();
  const undescribed = rows.filter((r) => !r.description?.trim()).map((r) => r.key);
  assert.deepEqual(undescribed, []);
  // The keys the design brief names, so a rename cannot slip through.
  const keys = new Set(rows.map((r) => r.key));
  for (const key of [
    'cluster',
    'webbridges[].name',
    'webbridges[].mmp',
    'webbridges[].syslogHost',
    'webbridges[].hostKey',
    'webbridges[].webPort',
    'callbridges[].api.url',
    'callbridges[].api.insecure',
    'mmp.password',
    'mmp.privateKey',
    'mmp.passphrase',
    'mmp.agent',
    'mmp.knownHosts',
    'mmp.connectTimeoutMs',
    'mmp.commandTimeoutMs',
    'mmp.restartCommand',
    'mmp.statusCommand',
    'restart.maxActiveSessions',
    'restart.leakThreshold',
    'restart.nearLimitMargin',
    'restart.staleAfterMs',
    'restart.verifyTimeoutMs',
    'restart.verifyHealthyReadings',
    'restart.maxPerDay',
    'analysis.limit',
    'analysis.cmaClients',
    'syslog.tls.requireClientCert',
    'syslog.allow',
    'syslog.maxFrameBytes',
    'files[].path',
    'state',
    'store',
    'http.publicReadOnly',
    'policy.mode',
    'policy.schedule',
    'policy.windows[].tz',
    'policy.blackouts',
    'alerts[].type',
    'alerts[].to',
    'log.level',
  ]) {
    assert.ok(keys.has(key), key);
  }
  // Defaults in the reference are the schema's: spot-check two that come from different places.
  assert.equal(rows.find((r) => r.key === 'restart.maxPerDay')?.defaultValue, 1);
  assert.deepEqual(rows.find((r) => r.key === 'callbridges')?.defaultValue, []);
});

test('the reference shows the example config init writes', () => {
  assert.ok(renderConfigurationDoc().includes(EXAMPLE_CONFIG.trimEnd()));
});
