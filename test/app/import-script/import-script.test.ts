import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../../src/app/cli/program.js';
import { loadConfig } from '../../../src/app/config/index.js';
import { parseCiscoScript } from '../../../src/app/import-script/cisco-script.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { tempDir } from '../../sim/helpers.js';

const VARIANT = `#!/usr/bin/env python3
import paramiko
# webbridges = {1: "192.0.2.99"}   (old inventory, commented out)
webbridges = {
    1: '10.0.0.1',
    2 : "10.0.0.2",
    "3": "cms3.example.com",   # third
}
mmp_username = 'wbadmin'
mmp_password = 'Hunter2-plaintext'
`;

describe('import-script', () => {
  test("reads the inventory of Cisco's script and its variants", () => {
    const published = parseCiscoScript(
      readFileSync(new URL('../../fixtures/cisco/webbridge_restart.py', import.meta.url), 'utf8'),
    );
    assert.deepEqual(published, {
      webbridges: [{ key: '1', host: '127.0.0.1' }],
      username: 'admin',
      hasPassword: true,
    });
    const v = parseCiscoScript(VARIANT);
    assert.deepEqual(v, {
      webbridges: [
        { key: '1', host: '10.0.0.1' },
        { key: '2', host: '10.0.0.2' },
        { key: '3', host: 'cms3.example.com' },
      ],
      username: 'wbadmin',
      hasPassword: true,
    });
    assert.deepEqual(parseCiscoScript('print("hello")'), {
      missing: ['the webbridges = {1: "10.0.0.1", ...} inventory'],
    });
  });

  test('writes a valid configuration without the password, and says how to provide it', async (t) => {
    const dir = tempDir(t);
    const script = join(dir, 'webbridge_restart.py');
    writeFileSync(script, VARIANT);
    const out = join(dir, 'wbguard.yaml');
    const io = memoryIo();
    assert.equal(await runCli(['import-script', script, '--out', out], io), 0, io.err());
    const text = readFileSync(out, 'utf8');
    assert.ok(!text.includes('Hunter2') && !io.out().includes('Hunter2') && !io.err().includes('Hunter2'));
    assert.match(io.out(), /NOT copied/);
    assert.match(io.out(), /WBGUARD_MMP_PASSWORD/);
    const c = await loadConfig(out, { env: { WBGUARD_MMP_PASSWORD: 'x' } });
    assert.deepEqual(
      c.webbridges.map((w) => [w.name, w.mmp]),
      [
        ['cms1', '10.0.0.1:22'],
        ['cms2', '10.0.0.2:22'],
        ['cms3', 'cms3.example.com:22'],
      ],
    );
    assert.equal(c.mmp.username, 'wbadmin');
    assert.equal(
      await runCli(['import-script', script, '--out', out], memoryIo()),
      2,
      'never overwrites without --force',
    );
  });

  test('a file that is not the script: exit 2 naming what is missing', async (t) => {
    const dir = tempDir(t);
    const f = join(dir, 'x.py');
    writeFileSync(f, 'print(1)\n');
    const io = memoryIo();
    assert.equal(await runCli(['import-script', f, '--out', join(dir, 'o.yaml')], io), 2);
    assert.match(io.err(), /not found: the webbridges/);
  });
});
