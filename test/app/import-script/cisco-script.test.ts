import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseCiscoScript } from '../../../src/app/import-script/cisco-script.js';

function fixture(name: string): string {
  return readFileSync(`test/fixtures/config/${name}`, 'utf8');
}

describe("reading Cisco's restart script", () => {
  test('the compact form of the tech note: one line, double quotes, a trailing comma', () => {
    assert.deepEqual(parseCiscoScript(fixture('cisco-compact.py')), {
      webbridges: [
        { key: '1', host: '10.48.54.75' },
        { key: '2', host: '10.48.79.194' },
      ],
      username: 'admin',
      hasPassword: true,
      port: undefined,
      restartCommand: undefined,
      logFile: undefined,
    });
  });

  test('multi-line, mixed quotes and spacing, comments with quotes and braces, docstrings ignored', () => {
    const inv = parseCiscoScript(fixture('cisco-multiline.py'));
    assert.ok(!('missing' in inv));
    assert.deepEqual(inv.webbridges, [
      { key: '1', host: '10.0.0.1' },
      { key: '2', host: '10.0.0.2' },
      { key: '3', host: 'cms3.example.com' },
      { key: 'four', host: '10.0.0.4' },
    ]);
    assert.equal(inv.username, 'wbadmin');
    assert.equal(inv.hasPassword, true);
    assert.equal(inv.logFile, 'webbridge_restart_logs.txt');
    // The inventory carries no field that could hold the password.
    assert.ok(!JSON.stringify(inv).includes('Hunter2'));
  });

  test('a list of addresses, a literal port, another restart command, a log path', () => {
    const inv = parseCiscoScript(fixture('cisco-list.py'));
    assert.ok(!('missing' in inv));
    assert.deepEqual(inv.webbridges, [
      { key: '1', host: 'cms1.example.com' },
      { key: '2', host: '2001:db8::5' },
    ]);
    assert.equal(inv.username, 'ops');
    assert.equal(inv.port, 2222);
    assert.equal(inv.restartCommand, 'webbridge3 restart');
    assert.equal(inv.logFile, '/var/log/webbridge_restart_logs.txt');
  });

  test("the re-creation of Cisco's script the simulator tests run", {
    skip: !existsSync('test/fixtures/cisco/webbridge_restart.py'),
  }, () => {
    const inv = parseCiscoScript(readFileSync('test/fixtures/cisco/webbridge_restart.py', 'utf8'));
    assert.ok(!('missing' in inv));
    assert.ok(inv.webbridges.length >= 1);
    assert.equal(inv.username, 'admin');
    assert.equal(inv.hasPassword, true);
  });

  test('what cannot be read is named', () => {
    assert.deepEqual(parseCiscoScript(fixture('not-cisco.py')), {
      missing: ['the webbridges = {1: "10.0.0.1", ...} inventory'],
    });
    const unclosed = parseCiscoScript(fixture('cisco-unclosed.py'));
    assert.ok('missing' in unclosed);
    assert.match(unclosed.missing[0] ?? '', /not followed by a complete/);
    const bad = parseCiscoScript(fixture('cisco-bad-host.py'));
    assert.ok('missing' in bad);
    assert.equal(bad.missing.length, 2);
    assert.match(bad.missing[0] ?? '', /entry 2: a host name or address/);
    assert.match(bad.missing[1] ?? '', /entry 3: a quoted address/);
    assert.ok(!JSON.stringify(bad).includes('Bad-Host-Secret'));
    assert.deepEqual(parseCiscoScript('webbridges = {}\n'), {
      missing: ['the webbridges = {1: "10.0.0.1", ...} inventory: it is empty'],
    });
  });
});
