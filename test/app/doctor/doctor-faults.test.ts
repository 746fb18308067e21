/**
 * `wbguard doctor --logs` against the simulator with each of its faults and each misconfiguration: every one is a
 * ✘ that names what was seen and the fix, exit 1; and whatever the fault, the MMPs receive no restart.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { NodeFaults } from '../../../src/sim/types.js';
import { doctorCluster, failures } from './fixture.js';

test('each fault and misconfiguration is named, with its fix', async (t) => {
  const f = await doctorCluster(t);
  await f.logsReady();
  const run = async (args: string[] = [], env = f.env) => f.doctor(['--logs', f.logs, ...args], env);

  await t.test('healthy, read from the log files: all ✔', async () => {
    const r = await run();
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /✔ cms1: \d+ lines in .*cms1\.log; BSD stamps without a year/);
    assert.match(r.out, /✔ cms1: Web Bridge Stats: \d+ seen, every 1\.0 s/);
  });

  const base = f.base();
  const webbridges = base.webbridges as Array<Record<string, unknown>>;
  const callbridges = base.callbridges as Array<{ name: string; api: Record<string, unknown> }>;
  const withConfig = async (config: Record<string, unknown>, check: (failed: string) => void, env = f.env) => {
    f.writeConfig(config);
    try {
      const r = await run([], env);
      assert.equal(r.code, 1, r.out);
      check(failures(r.out));
    } finally {
      f.writeConfig(base);
    }
  };
  const withFault = async (faults: NodeFaults, check: (failed: string) => void) => {
    f.sim.cluster.setFaults('cms1', faults);
    try {
      const r = await run();
      assert.equal(r.code, 1, r.out);
      check(failures(r.out));
    } finally {
      const cleared = Object.fromEntries(Object.keys(faults).map((k) => [k, false])) as NodeFaults;
      f.sim.cluster.setFaults('cms1', cleared);
    }
  };

  await t.test('wrong host key pinned', () =>
    withConfig(
      { ...base, webbridges: [{ ...webbridges[0], hostKey: webbridges[1]?.hostKey }, webbridges[1]] },
      (failed) => {
        assert.match(failed, /✘ cms1 .*: host key CHANGED: the MMP offers ssh-ed25519 SHA256:\S+, expected SHA256:/);
        assert.match(failed, /fix: .*check the key on the MMP console.*wbguard trust cms1/);
      },
    ),
  );

  await t.test('host key not trusted yet (empty known_hosts)', async () => {
    const knownHosts = join(f.dir, 'known_hosts');
    writeFileSync(knownHosts, '');
    await withConfig(
      {
        ...base,
        webbridges: webbridges.map(({ hostKey: _, ...w }) => w),
        mmp: { ...(base.mmp as object), knownHosts },
      },
      (failed) => {
        assert.match(failed, /✘ cms1 .*: host key not trusted yet: ssh-ed25519 SHA256:\S+/);
        assert.match(failed, /fix: compare it with the MMP console, then run: wbguard trust cms1/);
      },
    );
  });

  await t.test('wrong MMP password', () =>
    withConfig(
      base,
      (failed) => {
        assert.match(failed, /✘ cms1 .*: login of admin refused/);
        assert.match(failed, /fix: check mmp.username and the password env:WBGUARD_MMP_PASSWORD/);
      },
      { ...f.env, WBGUARD_MMP_PASSWORD: 'not-the-password' },
    ),
  );

  await t.test('fault refuseAuth', () =>
    withFault({ refuseAuth: true }, (failed) => assert.match(failed, /✘ cms1 .*: login of admin refused/)),
  );

  await t.test('fault passwordExpired: the password-change demand', () =>
    withFault({ passwordExpired: true }, (failed) => {
      assert.match(failed, /✘ cms1 .*: login accepted, but the MMP demands a new password and runs nothing/);
      assert.match(failed, /fix: log in to cms1's MMP by hand as admin, set a new password/);
      assert.doesNotMatch(failed, /cms2/);
    }),
  );

  await t.test('fault portClosed', () =>
    withFault({ portClosed: true }, (failed) => {
      assert.match(failed, /✘ cms1 127\.0\.0\.1:\d+: SSH port \d+ of 127\.0\.0\.1 not open \(ECONNREFUSED\)/);
      assert.match(failed, /fix: check the port in webbridges\[\]\.mmp of cms1, that SSH is enabled/);
    }),
  );

  await t.test('fault hangOnExec', async () => {
    f.writeConfig({ ...base, mmp: { ...(base.mmp as object), commandTimeoutMs: 2000 } });
    try {
      await withFault({ hangOnExec: true }, (failed) => {
        assert.match(failed, /✘ cms1 .*: `webbridge` did not answer in time \(WBGUARD_ERR_SSH_TIMEOUT\)/);
        assert.match(failed, /fix: the MMP hangs or is slow/);
      });
    } finally {
      f.writeConfig(base);
    }
  });

  await t.test('fault dropMidCommand', () =>
    withFault({ dropMidCommand: true }, (failed) =>
      assert.match(failed, /✘ cms1 .*: the MMP closed the connection before `webbridge` finished/),
    ),
  );

  await t.test(
    'restart faults (slowRestartMs, restartKeepsLeak) do not concern a doctor that never restarts',
    async () => {
      f.sim.cluster.setFaults('cms1', { slowRestartMs: 60_000, restartKeepsLeak: true });
      const r = await run();
      f.sim.cluster.setFaults('cms1', { slowRestartMs: 0, restartKeepsLeak: false });
      assert.equal(r.code, 0, r.out);
    },
  );

  await t.test('mmp.statusPattern that the output does not match', () =>
    withConfig({ ...base, mmp: { ...(base.mmp as object), statusPattern: 'Status: healthy' } }, (failed) => {
      assert.match(
        failed,
        /does NOT match mmp.statusPattern \/Status: healthy\/: a restart would never be verified back/,
      );
      assert.match(failed, /\| Status\s+: running/);
      assert.match(failed, /fix: set mmp.statusPattern to a regular expression the healthy output above matches/);
    }),
  );

  await t.test('an mmp.statusCommand the doctor does not run is named (a warning)', async () => {
    f.writeConfig({ ...base, mmp: { ...(base.mmp as object), statusCommand: 'webbridge status' } });
    const r = await run();
    f.writeConfig(base);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /\| mmp\.statusCommand is `webbridge status`: the doctor runs only `webbridge`/);
    assert.match(r.out, /fix: check by hand that mmp\.statusPattern matches the healthy output of `webbridge status`/);
  });

  const api = (i: number, over: Record<string, unknown>) =>
    callbridges.map((c, j) => (j === i ? { ...c, api: { ...c.api, ...over } } : c));

  await t.test('CMS API URL without /api/v1', () => {
    const url = String(callbridges[0]?.api.url).replace(/\/api\/v1$/, '');
    return withConfig({ ...base, callbridges: api(0, { url }) }, (failed) => {
      assert.match(
        failed,
        new RegExp(`✘ cms1 ${url}: the URL has no /api/v1: .*answered 404; ${url}/api/v1/system/status answers`),
      );
      assert.match(failed, new RegExp(`fix: set callbridges\\[\\]\\.api\\.url of cms1 to ${url}/api/v1`));
    });
  });

  await t.test('wrong API user', () =>
    withConfig({ ...base, callbridges: api(1, { username: 'nobody' }) }, (failed) => {
      assert.match(failed, /✘ cms2 https:\S+: credentials of nobody refused \(401\)/);
      assert.match(failed, /fix: check callbridges\[\]\.api\.username and the password it refers to for cms2/);
      assert.doesNotMatch(failed, /cms1/);
    }),
  );

  await t.test('API certificate not verifiable (no ca)', () => {
    const { ca: _, ...noCa } = callbridges[0]?.api ?? {};
    return withConfig({ ...base, callbridges: [{ name: 'cms1', api: noCa }, callbridges[1]] }, (failed) => {
      assert.match(failed, /✘ cms1 https:\S+: TLS certificate not verified/);
      assert.match(failed, /fix: give callbridges\[\]\.api\.ca/);
    });
  });

  await t.test('insecure API is named (a warning, not a failure)', async () => {
    const { ca: _, ...noCa } = callbridges[0]?.api ?? {};
    f.writeConfig({ ...base, callbridges: [{ name: 'cms1', api: { ...noCa, insecure: true } }, callbridges[1]] });
    const r = await run();
    f.writeConfig(base);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /! cms1 https:\S+: reachable; TLS NOT verified \(callbridges\[\]\.api\.insecure: true\)/);
  });

  await t.test('through every fault, the MMPs received webbridge and version only', () => {
    const commands = new Set(f.commands().map((c) => c.replace(/^.*: /, '')));
    assert.deepEqual([...commands].sort(), ['version', 'webbridge']);
    assert.ok(f.sim.state().webbridges.every((w) => w.restarts === 0));
  });
});
