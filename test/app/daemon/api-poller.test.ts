/**
 * A failing CMS API poll is logged once with its fix, and its recovery once: against the simulator's real CMS API,
 * directly (a URL without /api/v1, no CA) and through an HTTPS proxy that answers 401 until the password is "fixed".
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { Agent, fetch } from 'undici';
import { parseConfig } from '../../../src/app/config/index.js';
import { ApiPoller } from '../../../src/app/daemon/api-poller.js';
import { loadOrCreateCert } from '../../../src/sim/api/tls-cert.js';
import { capturingLogger } from '../../helpers/capturing-logger.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

function pollerFor(url: string, ca: string | undefined, lines: string[]): ApiPoller {
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      callbridges: [
        { name: 'cms1', api: { url, username: 'api', password: 'env:PW', ...(ca ? { ca } : {}), pollMs: 3_600_000 } },
      ],
    },
    { env: { PW: SIM_PASSWORD } },
  );
  return new ApiPoller(config, Date.now, capturingLogger(lines));
}

test('a CMS API URL without /api/v1 is logged once, with the URL to use', async (t) => {
  const sim = await simulator(t);
  const api = sim.api.nodes[0]?.url as string;
  const bare = api.replace(/\/api\/v1$/, '');
  const lines: string[] = [];
  const poller = pollerFor(bare, sim.api.caCertPath, lines);
  t.after(() => poller.close());
  await poller.pollAll();
  await poller.pollAll();
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0] ?? '', /^warn .*WBGUARD_ERR_API_NOT_FOUND/);
  assert.ok(lines[0]?.includes(`the URL has no /api/v1: set callbridges[].api.url to ${bare}/api/v1`), lines[0]);
  assert.equal(poller.views()[0]?.error?.code, 'WBGUARD_ERR_API_NOT_FOUND');
});

test('an unverifiable certificate is logged once, naming callbridges[].api.ca', async (t) => {
  const sim = await simulator(t);
  const lines: string[] = [];
  const poller = pollerFor(sim.api.nodes[0]?.url as string, undefined, lines);
  t.after(() => poller.close());
  await poller.pollAll();
  await poller.pollAll();
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0] ?? '', /WBGUARD_ERR_API_TLS.*callbridges\[\]\.api\.ca/);
});

test('401 is logged once with its fix; the recovery is logged once; a healthy poll logs nothing', async (t) => {
  const sim = await simulator(t);
  const target = new URL(sim.api.nodes[0]?.url as string);
  const cert = await loadOrCreateCert(join(tempDir(t), 'tls'));
  const toSim = new Agent({ connect: { ca: await readFile(sim.api.caCertPath) } });
  t.after(() => toSim.close());
  let refuse = true;
  // A proxy in front of the simulator's API: 401 (as after a password change on the CMS) until `refuse` is false.
  const proxy = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    if (refuse) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    fetch(`${target.origin}${req.url}`, {
      dispatcher: toSim,
      headers: { authorization: req.headers.authorization ?? '' },
    }).then(
      async (r) => res.writeHead(r.status, { 'content-type': 'text/xml' }).end(await r.text()),
      () => res.writeHead(502).end(),
    );
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const url = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/v1`;

  const lines: string[] = [];
  const poller = pollerFor(url, cert.certPath, lines);
  t.after(() => poller.close());
  await poller.pollAll();
  await poller.pollAll();
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0] ?? '', /^warn .*WBGUARD_ERR_API_AUTH.*callbridges\[\]\.api\.username and its password/);

  refuse = false;
  await poller.pollAll();
  await poller.pollAll();
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[1] ?? '', /^info .*"callbridge":"cms1".*cms api poll recovered/);
  assert.equal(poller.views()[0]?.error, undefined);
  assert.ok(poller.views()[0]?.count, 'counted after the recovery');
  assert.doesNotMatch(lines.join('\n'), new RegExp(SIM_PASSWORD), 'the password is never logged');
});
