import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { format, inspect } from 'node:util';
import { parseConfig, resolveSecret, Secret } from '../../../src/app/config/index.js';
import { errorOf, everythingShown, FP, tempDir } from './helpers.js';

const SECRET = 'S3cret-never-printed-7f3a';

function withPassword(password: unknown): Record<string, unknown> {
  return { webbridges: [{ name: 'cms1', mmp: '10.0.0.11', hostKey: FP }], mmp: { password } };
}

describe('Secret', () => {
  test('prints as [redacted] through every path a value takes to a log or an output', () => {
    const s = new Secret(SECRET, 'env:PW');
    assert.equal(s.reveal(), SECRET);
    const shown = [
      String(s),
      `${s}`,
      `x${s}`,
      JSON.stringify(s),
      JSON.stringify({ nested: { s } }),
      inspect(s),
      inspect({ deep: [s] }, { depth: 10 }),
      format('%s %o %O %j', s, s, s, s),
      s.toString(),
      Object.keys(s).join(),
      new Error(`failed with ${s}`).message,
    ];
    for (const text of shown) {
      assert.ok(!text.includes(SECRET), text);
    }
    assert.ok(shown.slice(0, 4).every((t) => t.includes('[redacted]')));
    assert.equal(s.reference, 'env:PW', 'the reference is safe to print and kept');
  });

  test('Secret.of holds an in-memory value for code that embeds wbguard (the demo)', () => {
    const c = parseConfig(withPassword(Secret.of(SECRET)), { env: {} });
    assert.equal(c.secrets.get('mmp.password')?.reveal(), SECRET);
    assert.ok(!JSON.stringify(c).includes(SECRET));
    assert.ok(!inspect(c, { depth: 20 }).includes(SECRET));
  });
});

describe('secret references', () => {
  test('env:NAME is read from the given environment at load time', () => {
    const c = parseConfig(withPassword('env:MY_PW'), { env: { MY_PW: SECRET } });
    assert.equal(c.secrets.get('mmp.password')?.reveal(), SECRET);
    assert.equal(c.mmp.password, 'env:MY_PW', 'the configuration keeps the reference, not the value');
    assert.ok(!JSON.stringify(c).includes(SECRET));
    assert.ok(!inspect(c, { depth: 20 }).includes(SECRET));
  });

  test('a variable that is not set (or empty): WBGUARD_ERR_SECRET_MISSING naming the key and the variable', () => {
    for (const env of [{}, { MY_PW: '' }]) {
      const e = errorOf(() => parseConfig(withPassword('env:MY_PW'), { env }));
      assert.equal(e.name, 'SecretError');
      assert.equal(e.code, 'WBGUARD_ERR_SECRET_MISSING');
      assert.match(e.message, /key:mmp\.password/);
      assert.match(e.message, /env:MY_PW/);
    }
  });

  test('file:PATH: read with one trailing newline dropped, when only its owner can read it', (t) => {
    const dir = tempDir(t);
    const f = join(dir, 'pw');
    writeFileSync(f, `${SECRET}\n`, { mode: 0o600 });
    chmodSync(f, 0o600);
    assert.equal(
      parseConfig(withPassword(`file:${f}`), { env: {} })
        .secrets.get('mmp.password')
        ?.reveal(),
      SECRET,
    );
    chmodSync(f, 0o400);
    assert.equal(
      parseConfig(withPassword(`file:${f}`), { env: {} })
        .secrets.get('mmp.password')
        ?.reveal(),
      SECRET,
    );
  });

  test('a file group or others may read or write: WBGUARD_ERR_SECRET_PERMISSIONS with the chmod that fixes it', (t) => {
    const dir = tempDir(t);
    const f = join(dir, 'pw');
    writeFileSync(f, SECRET);
    for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602, 0o660]) {
      chmodSync(f, mode);
      const e = errorOf(() => parseConfig(withPassword(`file:${f}`), { env: {} }));
      assert.equal(e.code, 'WBGUARD_ERR_SECRET_PERMISSIONS', mode.toString(8));
      assert.match(e.message, /key:mmp\.password/);
      assert.equal(e.hint, `chmod 600 ${f}`);
      assert.ok(!everythingShown(e).includes(SECRET));
    }
  });

  test('a missing file, a folder, an empty file: WBGUARD_ERR_SECRET_MISSING', (t) => {
    const dir = tempDir(t);
    const folder = join(dir, 'folder');
    mkdirSync(folder, { mode: 0o700 });
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n', { mode: 0o600 });
    for (const path of [join(dir, 'none'), folder, empty]) {
      const e = errorOf(() => parseConfig(withPassword(`file:${path}`), { env: {} }));
      assert.equal(e.code, 'WBGUARD_ERR_SECRET_MISSING', path);
      assert.match(e.message, /key:mmp\.password/);
    }
  });

  test('a plain value where a secret belongs: WBGUARD_ERR_SECRET_PLAINTEXT naming the key, never the value', () => {
    for (const where of [
      withPassword(SECRET),
      { ...withPassword('env:PW'), http: { token: SECRET } },
      { ...withPassword('env:PW'), alerts: [{ type: 'webhook', url: `https://hooks.example.com/${SECRET}` }] },
      { ...withPassword('env:PW'), store: `postgres://wbguard:${SECRET}@db/wbguard` },
      {
        ...withPassword('env:PW'),
        callbridges: [
          { name: 'a', api: { url: `https://api:${SECRET}@10.0.0.1:445`, username: 'api', password: 'env:X' } },
        ],
      },
    ]) {
      const e = errorOf(() => parseConfig(where, { resolveSecrets: false }));
      assert.equal(e.code, 'WBGUARD_ERR_SECRET_PLAINTEXT', JSON.stringify(e.issues));
      assert.equal(e.issues?.length, 1);
      assert.ok(!everythingShown(e).includes(SECRET), everythingShown(e));
    }
    // The same through resolveSecret directly (code that resolves one reference by hand).
    const e = errorOf(() => resolveSecret(SECRET, 'mmp.password', {}));
    assert.equal(e.code, 'WBGUARD_ERR_SECRET_PLAINTEXT');
    assert.ok(!everythingShown(e).includes(SECRET));
  });

  test('a plain secret among other problems: each listed, the error keeps the general code', () => {
    const e = errorOf(() =>
      parseConfig({ ...withPassword(SECRET), restart: { maxPerDay: 0 } }, { resolveSecrets: false }),
    );
    assert.equal(e.code, 'WBGUARD_ERR_CONFIG');
    assert.ok(e.issues?.some((i) => i.startsWith('mmp.password: ') && i.includes('WBGUARD_ERR_SECRET_PLAINTEXT')));
    assert.ok(e.issues?.some((i) => i.startsWith('restart.maxPerDay: ')));
    assert.ok(!everythingShown(e).includes(SECRET));
  });

  test('several secrets that cannot be resolved are listed together, each with its key', (t) => {
    const dir = tempDir(t);
    const open = join(dir, 'open');
    writeFileSync(open, SECRET);
    chmodSync(open, 0o644);
    const e = errorOf(() =>
      parseConfig(
        {
          ...withPassword('env:NOPE'),
          http: { token: `file:${open}` },
          syslog: { tls: { listen: '0.0.0.0:6514', cert: join(dir, 'none.pem'), key: 'env:KEY' } },
        },
        { env: { KEY: SECRET } },
      ),
    );
    assert.equal(e.name, 'ConfigError');
    const paths = (e.issues ?? []).map((i) => i.split(': ')[0]);
    assert.deepEqual(paths, ['mmp.password', 'http.token', 'syslog.tls.cert']);
    assert.ok(!everythingShown(e).includes(SECRET));
  });

  test('resolveSecrets: false validates the references without reading them', () => {
    const c = parseConfig(withPassword('env:UNSET'), { resolveSecrets: false, env: {} });
    assert.equal(c.secrets.size, 0);
    assert.equal(c.mmp.password, 'env:UNSET');
  });
});
