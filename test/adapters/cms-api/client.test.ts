/** The CMS API client against the simulator's API (real HTTPS) and against servers that misbehave on purpose. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createCmsApiClient } from '../../../src/adapters/cms-api/client.js';
import { loadOrCreateCert } from '../../../src/sim/api/tls-cert.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

describe('CMS API client', () => {
  test('counts real CMA legs (acano), excluding distribution links, paging and caching leg types', async (t) => {
    const sim = await simulator(t, { joinRate: 900, meetings: 3 });
    sim.cluster.advance(3_600_000);
    const node = sim.api.nodes[1] as (typeof sim.api.nodes)[number];
    const client = createCmsApiClient({
      url: node.url,
      username: 'api',
      password: () => SIM_PASSWORD,
      ca: readFileSync(sim.api.caCertPath, 'utf8'),
      pageSize: 7,
    });
    t.after(() => client.close());
    const first = await client.countCallLegs();
    const cb = sim.cluster.node('cms2');
    const legs = cb?.callLegs() ?? [];
    assert.equal(first.acano, cb?.cma());
    assert.equal(first.distributionLinks, legs.filter((l) => l.subType === 'distributionLink').length);
    assert.equal(first.total, legs.length);
    assert.ok(first.distributionLinks > 0, 'the cluster has spread calls');
    assert.equal(first.requests, Math.ceil(legs.length / 7) + legs.length, 'pages + one detail per leg');
    const again = await client.countCallLegs();
    assert.equal(again.acano, first.acano);
    assert.equal(again.requests, Math.ceil(legs.length / 7), 'no N+1: known legs are not fetched again');
    const status = await client.systemStatus();
    assert.equal(status.softwareVersion, '2.8.3');
    assert.equal(status.activated, true);
  });

  test('one clear error per failure: 401, 404, TLS, bad XML, 5xx after retries, timeout', async (t) => {
    const sim = await simulator(t);
    const ca = readFileSync(sim.api.caCertPath, 'utf8');
    const wrong = createCmsApiClient({ url: sim.api.url, username: 'api', password: () => 'nope', ca });
    t.after(() => wrong.close());
    await assert.rejects(wrong.systemStatus(), { code: 'WBGUARD_ERR_API_AUTH', statusCode: 401 });
    const missing = createCmsApiClient({
      url: `${sim.api.url}/nowhere`,
      username: 'api',
      password: () => SIM_PASSWORD,
      ca,
    });
    t.after(() => missing.close());
    await assert.rejects(
      missing.systemStatus(),
      (e: { code: string; message: string }) =>
        e.code === 'WBGUARD_ERR_API_NOT_FOUND' && /unrecognisedObject/.test(e.message),
    );
    const noCa = createCmsApiClient({ url: sim.api.url, username: 'api', password: () => SIM_PASSWORD });
    t.after(() => noCa.close());
    await assert.rejects(noCa.systemStatus(), { code: 'WBGUARD_ERR_API_TLS' });
    const insecure = createCmsApiClient({
      url: sim.api.url,
      username: 'api',
      password: () => SIM_PASSWORD,
      insecure: true,
    });
    t.after(() => insecure.close());
    assert.equal((await insecure.systemStatus()).softwareVersion, '2.8.3');

    const dir = tempDir(t);
    const cert = await loadOrCreateCert(join(dir, 'tls'));
    let hits = 0;
    const server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      hits++;
      if (req.url?.startsWith('/bad')) {
        res.end('<status><softwareVersion>2.8</status>');
      } else if (req.url?.startsWith('/err')) {
        res.writeHead(503).end();
      } else {
        // hangs: never answers
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    const mk = (path: string, extra = {}) =>
      createCmsApiClient({ url: `${url}${path}`, username: 'api', password: () => 'x', ca: cert.cert, ...extra });
    const bad = mk('/bad');
    const err = mk('/err', { retries: 2 });
    const slow = mk('/slow', { timeoutMs: 500, retries: 0 });
    t.after(async () => {
      await Promise.all([bad.close(), err.close(), slow.close()].map((p) => p.catch(() => {})));
    });
    await assert.rejects(bad.systemStatus(), { code: 'WBGUARD_ERR_API_XML' });
    hits = 0;
    await assert.rejects(err.systemStatus(), { code: 'WBGUARD_ERR_API_SERVER', statusCode: 503 });
    assert.equal(hits, 3, 'two retries after the first 503');
    await assert.rejects(slow.systemStatus(), { code: 'WBGUARD_ERR_API_TIMEOUT' });
  });
});
