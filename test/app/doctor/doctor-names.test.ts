/**
 * Names that do not resolve: an MMP name and a CMS API host, each a ✘ naming the name with the fix (the name in the
 * configuration, this host's DNS), while every other node is still checked. The doctor's lookup is the test's, so
 * no DNS query leaves the machine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitCodeOf } from '../../../src/app/doctor/check.js';
import { renderChecks } from '../../../src/app/doctor/render.js';
import { runDoctor } from '../../../src/app/doctor/run-doctor.js';
import { doctorCluster, failures } from './fixture.js';

test('an MMP name and an API host that do not resolve are each a ✘ with the fix; the other nodes are checked', async (t) => {
  const f = await doctorCluster(t, 2);
  await f.logsReady();
  const base = f.base();
  const webbridges = base.webbridges as Array<{ name: string; mmp: string; hostKey: string }>;
  const callbridges = base.callbridges as Array<{ name: string; api: { url: string } }>;
  const mmpPort = webbridges[0]?.mmp.split(':')[1];
  const apiUrl = new URL(callbridges[1]?.api.url ?? '');
  apiUrl.hostname = 'api-cms2.lab.invalid';
  f.writeConfig({
    ...base,
    webbridges: [{ ...webbridges[0], mmp: `mmp-cms1.lab.invalid:${mmpPort}` }, webbridges[1]],
    callbridges: [callbridges[0], { ...callbridges[1], api: { ...callbridges[1]?.api, url: apiUrl.toString() } }],
  });
  const asked: string[] = [];
  const done = await runDoctor({
    config: f.configPath,
    env: f.env,
    cwd: f.dir,
    logs: [f.logs],
    listenSeconds: 1,
    lookup: async (name) => {
      asked.push(name);
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
  });
  const out = renderChecks(done.checks, false);
  assert.equal(exitCodeOf(done.checks), 1, out);
  assert.deepEqual(asked.sort(), ['api-cms2.lab.invalid', 'mmp-cms1.lab.invalid'], 'an IP address is never looked up');
  const failed = failures(out);
  assert.match(
    failed,
    /✘ cms1 mmp-cms1\.lab\.invalid:\d+: the name mmp-cms1\.lab\.invalid does not resolve \(ENOTFOUND\)\n\s+fix: check webbridges\[\]\.mmp of cms1 and the DNS servers of this host/,
  );
  assert.match(
    failed,
    /✘ cms2 https:\/\/api-cms2\.lab\.invalid:\d+\/api\/v1: the name api-cms2\.lab\.invalid does not resolve \(ENOTFOUND\)\n\s+fix: check the host name in callbridges\[\]\.api\.url of cms2 and the DNS servers of this host/,
  );
  assert.equal(failed.match(/✘/g)?.length, 2, failed);
  // The other MMP and the other API were checked all the way.
  assert.match(out, /✔ cms2 127\.0\.0\.1:\d+: login of admin accepted/);
  assert.match(out, /✔ cms2 127\.0\.0\.1:\d+: CMS 2\.8\.3: affected/);
  assert.match(out, /✔ cms1 https:\/\/127\.0\.0\.1:\d+\/api\/v1: credentials of api accepted; CMS 2\.8\.3/);
  assert.match(out, /✔ cms2: Web Bridge Stats: \d+ seen/);
  // Nothing was sent to the MMP that did not resolve.
  const commands = f.sim.cluster.history.filter((h) => h.event === 'command');
  assert.deepEqual(
    commands.filter((h) => h.node === 'cms1'),
    [],
  );
  assert.ok(commands.some((h) => h.node === 'cms2'));
});
