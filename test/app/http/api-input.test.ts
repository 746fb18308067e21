/**
 * The API's doors checked strictly: every refusal is a 400 with WBGUARD_ERR_HTTP_INPUT naming the problem, and a
 * restart request that does not name its Web Bridges nor say "all": true never reaches the restart run.
 * The server is the real hono app; the clusters behind it record what they were asked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import type { Evaluation } from '../../../src/app/daemon/policy-loop.js';
import type { ClusterHttp, DaemonState } from '../../../src/app/daemon/view-model.js';
import { httpStatusOf } from '../../../src/app/http/api-errors.js';
import { createHttpApp } from '../../../src/app/http/server.js';
import { ERROR_CODES } from '../../../src/errors.js';

const TOKEN = 'tok-123456';

function fixture() {
  const asked: Array<{ cluster: string; names: readonly string[] | undefined }> = [];
  const cluster = (name: string, webbridgeNames: string[]): ClusterHttp => ({
    name,
    state: () => ({ clusterName: name }) as unknown as DaemonState,
    series: () => ({ limit: 100, webbridges: [], callbridges: [], clusterLeaked: { t: [], v: [] } }),
    plan: () => ({ mode: 'observe' }) as unknown as Evaluation,
    restart: async (names) => {
      asked.push({ cluster: name, names });
      return [];
    },
    webbridgeNames,
  });
  const app = createHttpApp({
    clusters: [cluster('paris', ['cms1', 'cms2']), cluster('berlin', ['cms3'])],
    events: () => [],
    journal: (limit) => [{ limit }],
    alerts: () => [],
    registry: new Registry(),
    token: () => TOKEN,
  });
  const auth = { authorization: `Bearer ${TOKEN}` };
  const get = (path: string) => app.request(path, { headers: auth });
  const post = (body: string, query = '') =>
    app.request(`/api/v1/restart${query}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
    });
  return { asked, get, post, request: (path: string, init?: RequestInit) => app.request(path, init) };
}

async function refusal(res: Response): Promise<string> {
  assert.equal(res.status, 400);
  const body = (await res.json()) as { error: string; code: string };
  assert.equal(body.code, 'WBGUARD_ERR_HTTP_INPUT');
  return body.error;
}

test('a restart request names its Web Bridges or says "all": true; nothing else reaches the run', async () => {
  const { asked, post } = fixture();
  const refused: Array<[string, RegExp]> = [
    ['{"name":"cms1"}', /unknown field "name" \(known: cluster, names, all\)/],
    ['{"names":["cms1"],"force":true}', /unknown field "force"/],
    ['["cms1"]', /body: a list, not an object/],
    ['"cms1"', /body: a string, not an object/],
    ['null', /body: null, not an object/],
    ['', /body: empty/],
    ['   ', /body: empty/],
    ['{}', /name the Web Bridges .* or say "all": true/],
    ['{"cluster":"paris"}', /name the Web Bridges/],
    ['{"names":[]}', /body\.names: must name at least one Web Bridge/],
    ['{"names":"cms1"}', /body\.names: .*expected array/],
    ['{"names":[1]}', /body\.names\.0: .*expected string/],
    ['{"names":["cms1","cms1"]}', /names a Web Bridge twice/],
    ['{"all":false}', /body\.all: must be true/],
    ['{"all":"yes"}', /body\.all: must be true/],
    ['{"all":true,"names":["cms1"]}', /one of the two/],
    ['{"names":["cms9"]}', /unknown Web Bridge: cms9 \(cluster paris: cms1, cms2\)/],
    ['{"cluster":"rome","all":true}', /unknown cluster: rome/],
    ['{"cluster":7,"all":true}', /body\.cluster: .*expected string/],
    ['{"names":["cms1"]', /body: not JSON/],
  ];
  for (const [body, why] of refused) {
    assert.match(await refusal(await post(body)), why, body);
  }
  assert.match(await refusal(await post('{"all":true}', '?cluster=paris&cluster=berlin')), /given 2 times/);
  assert.match(await refusal(await post('{"all":true}', '?clustr=paris')), /query: unknown field "clustr"/);
  assert.match(
    await refusal(await post('{"all":true,"cluster":"berlin"}', '?cluster=paris')),
    /the query says paris, the body berlin/,
  );
  assert.deepEqual(asked, [], 'no refused request reached a restart run');

  // The forms that were valid before stay valid and mean exactly what they meant.
  assert.equal((await post('{"names":["cms2"]}')).status, 200);
  assert.equal((await post('{"cluster":"berlin","names":["cms3"]}')).status, 200);
  assert.equal((await post('{"names":["cms3"]}', '?cluster=berlin')).status, 200);
  assert.equal((await post('{"all":true}')).status, 200);
  assert.equal((await post('{"all":true,"cluster":"berlin"}', '?cluster=berlin')).status, 200);
  assert.deepEqual(asked, [
    { cluster: 'paris', names: ['cms2'] },
    { cluster: 'berlin', names: ['cms3'] },
    { cluster: 'berlin', names: ['cms3'] },
    { cluster: 'paris', names: undefined },
    { cluster: 'berlin', names: undefined },
  ]);
});

test('every GET takes only its own query parameters, of the right type', async () => {
  const { get } = fixture();
  for (const path of [
    '/api/v1/state',
    '/api/v1/state?cluster=berlin',
    '/api/v1/plan?cluster=paris',
    '/api/v1/clusters',
    '/api/v1/alerts',
    '/api/v1/journal?limit=5',
    '/api/v1/events?limit=1000',
    '/api/v1/history?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&node=cms1&points=2&cluster=paris',
  ]) {
    assert.equal((await get(path)).status, 200, path);
  }
  // A limit above the most is served as the most, as before.
  assert.deepEqual(await (await get('/api/v1/journal?limit=5000')).json(), [{ limit: 1000 }]);
  const refused: Array<[string, RegExp]> = [
    ['/api/v1/state?clustre=paris', /query: unknown field "clustre" \(known: cluster\)/],
    ['/api/v1/state?cluster=rome', /unknown cluster: rome \(configured: paris, berlin\)/],
    ['/api/v1/state?cluster=', /query\.cluster: must name a configured cluster/],
    ['/api/v1/plan?cluster=paris&cluster=paris', /query cluster: given 2 times/],
    ['/api/v1/clusters?cluster=paris', /unknown field "cluster" \(known: none\)/],
    ['/api/v1/alerts?all=1', /unknown field "all"/],
    ['/api/v1/journal?limit=abc', /query\.limit: must be a whole number ≥ 1/],
    ['/api/v1/journal?limit=0', /query\.limit: must be a whole number ≥ 1/],
    ['/api/v1/events?limit=-3', /query\.limit/],
    ['/api/v1/events?limt=3', /unknown field "limt"/],
    ['/api/v1/history?from=yesterday', /query\.from: must be an ISO-8601 instant/],
    ['/api/v1/history?points=1', /query\.points: must be a whole number ≥ 2/],
    ['/api/v1/history?points=2.5', /query\.points/],
    ['/api/v1/history?nodes=cms1', /unknown field "nodes"/],
  ];
  for (const [path, why] of refused) {
    assert.match(await refusal(await get(path)), why, path);
  }
});

test('every refusal carries its stable code, with the status mapped in one place', async () => {
  const { get, request } = fixture();
  const anonymous = await request('/api/v1/state');
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
  assert.equal(((await anonymous.json()) as { code: string }).code, 'WBGUARD_ERR_HTTP_AUTH');
  const crossSite = await request('/api/v1/restart', {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' },
    body: '{"all":true}',
  });
  assert.equal(crossSite.status, 403);
  assert.equal(((await crossSite.json()) as { code: string }).code, 'WBGUARD_ERR_HTTP_FORBIDDEN');
  const notFound = await get('/api/v1/nothing');
  assert.equal(notFound.status, 404);
  assert.deepEqual(await notFound.json(), { error: 'not found', code: 'WBGUARD_ERR_HTTP_NOT_FOUND' });
  for (const code of ERROR_CODES) {
    const status = httpStatusOf(code);
    assert.ok(Number.isInteger(status) && status >= 400 && status < 600, `${code}: ${status}`);
  }
  assert.equal(httpStatusOf('WBGUARD_ERR_HTTP_INPUT'), 400);
  assert.equal(httpStatusOf('WBGUARD_ERR_HTTP_AUTH'), 401);
  assert.equal(httpStatusOf('WBGUARD_ERR_STORE_LOCKED'), 503);
});
