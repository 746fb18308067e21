/** The simulated CMS API read by curl (a client nobody here wrote) and by undici + fast-xml-parser. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { run } from '../helpers/run.js';
import { SIM_PASSWORD, simulator } from './helpers.js';

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => ['callLeg', 'call', 'callBridge', 'webBridge'].includes(name),
});

async function curl(url: string, ca: string, user = `api:${SIM_PASSWORD}`) {
  const r = await run('curl', ['-sS', '--cacert', ca, '-u', user, '-w', '\\n%{http_code}', url], { timeoutMs: 15_000 });
  const lines = r.stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: lines.join('\n'), stderr: r.stderr };
}

describe('CMS API', () => {
  test('curl reads system status and call legs with basic auth over verified TLS', async (t) => {
    const sim = await simulator(t, { joinRate: 600, meetings: 3 });
    sim.cluster.advance(3_600_000);
    const base = sim.api.nodes[0]?.url as string;
    const status = await curl(`${base}/system/status`, sim.api.caCertPath);
    assert.equal(status.status, 200, status.stderr);
    const s = xml.parse(status.body).status;
    assert.equal(s.softwareVersion, '2.8.3');
    assert.equal(s.activated, true);
    for (const key of [
      'uptimeSeconds',
      'cdrTime',
      'clusterEnabled',
      'callLegsActive',
      'callLegsMaxActive',
      'callLegsCompleted',
    ]) {
      assert.ok(key in s, key);
    }
    const legs = await curl(`${base}/callLegs?limit=5`, sim.api.caCertPath);
    assert.equal(legs.status, 200);
    const list = xml.parse(legs.body).callLegs;
    const cms1 = sim.cluster.node('cms1');
    assert.equal(Number(list['@_total']), cms1?.callLegs().length);
    assert.ok((list.callLeg?.length ?? 0) <= 5);
  });

  test('wrong password → 401 with a Basic challenge', async (t) => {
    const sim = await simulator(t);
    const r = await run(
      'curl',
      ['-sS', '-i', '--cacert', sim.api.caCertPath, '-u', 'api:wrong', `${sim.api.url}/system/status`],
      { timeoutMs: 15_000 },
    );
    assert.match(r.stdout, /^HTTP\/1\.1 401/);
    assert.match(r.stdout, /www-authenticate: Basic/i);
  });

  test('paging walks every leg once; per-leg detail tells acano, sip and distribution links apart', async (t) => {
    const sim = await simulator(t, { joinRate: 900, meetings: 2 });
    sim.cluster.advance(3_600_000);
    const base = sim.api.nodes[1]?.url as string;
    const seen: string[] = [];
    let total = 0;
    for (let offset = 0; offset < 1000; offset += 4) {
      const page = xml.parse(
        (await curl(`${base}/callLegs?offset=${offset}&limit=4`, sim.api.caCertPath)).body,
      ).callLegs;
      total = Number(page['@_total']);
      const items = page.callLeg ?? [];
      seen.push(...items.map((l: { '@_id': string }) => l['@_id']));
      if (items.length < 4) {
        break;
      }
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    const kinds = new Map<string, number>();
    for (const id of seen) {
      const leg = xml.parse((await curl(`${base}/callLegs/${id}`, sim.api.caCertPath)).body).callLeg[0];
      const kind = leg.subType === 'distributionLink' ? 'distributionLink' : leg.type;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    assert.equal(kinds.get('acano'), sim.cluster.node('cms2')?.cma());
    assert.ok((kinds.get('sip') ?? 0) > 0);
    const missing = await curl(`${base}/callLegs/00000000-0000-0000-0000-000000000000`, sim.api.caCertPath);
    assert.equal(missing.status, 404);
    assert.match(missing.body, /<failureDetails><callLegDoesNotExist \/><\/failureDetails>/);
  });

  test('each Call Bridge has its own API; callBridges and webBridges list the cluster', async (t) => {
    const sim = await simulator(t);
    assert.equal(sim.api.nodes.length, 3);
    assert.equal(new Set(sim.api.nodes.map((n) => n.port)).size, 3);
    const cbs = xml.parse((await curl(`${sim.api.url}/callBridges`, sim.api.caCertPath)).body).callBridges;
    assert.equal(Number(cbs['@_total']), 3);
    const wbs = xml.parse((await curl(`${sim.api.url}/webBridges`, sim.api.caCertPath)).body).webBridges;
    assert.deepEqual(
      wbs.webBridge.map((w: { '@_id': string }) => w['@_id']),
      ['wb-cms1', 'wb-cms2', 'wb-cms3'],
    );
    assert.equal((await curl(`${sim.api.url}/nonsense`, sim.api.caCertPath)).status, 404);
    assert.ok((sim.api.stats()['/api/v1/callBridges'] ?? 0) >= 1);
  });
});
