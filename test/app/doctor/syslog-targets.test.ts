/** The syslog target a fix names: each configured listener, a wildcard address shown as this host, ports defaulted. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WbguardConfig } from '../../../src/app/config/index.js';
import { syslogTargets } from '../../../src/app/doctor/syslog-checks.js';

const withSyslog = (syslog: Record<string, unknown>) => ({ syslog }) as unknown as WbguardConfig;

test('syslog targets named in fixes', () => {
  assert.equal(syslogTargets(withSyslog({ udp: '0.0.0.0:514' })), 'udp <this host>:514');
  assert.equal(
    syslogTargets(withSyslog({ udp: '10.0.0.5', tcp: '[::]:1514', tls: { listen: '[::1]' } })),
    'udp 10.0.0.5:514 or tcp <this host>:1514 or tls [::1]:6514',
  );
  assert.equal(syslogTargets(withSyslog({})), '<this host>:<port>');
});
