/**
 * @module app/doctor/api-checks
 * Per Call Bridge with `api:`, the CMS API by read-only GETs: reachable, TLS verified (or the insecure flag named),
 * credentials accepted, the version, the page size the server really grants, and its clock. A URL without
 * `/api/v1` (the API then answers 404 to everything) is recognised by trying the path with it, and the fix named.
 */
import { readFileSync } from 'node:fs';
import { type CmsApiClient, createCmsApiClient } from '../../adapters/cms-api/client.js';
import { judgeCmsVersion } from '../../core/cms-version.js';
import type { CallBridgeConfig, WbguardConfig } from '../config/index.js';
import { type Check, errorCodeOf, fail, ok, warn } from './check.js';

export interface ApiObservation {
  readonly name: string;
  readonly url: string;
  readonly version?: string;
  readonly cdrTime?: string;
  readonly skewMs?: number;
  readonly pageAsked?: number;
  readonly pageReturned?: number;
  readonly total?: number;
  /** On 2.9 and later: the URLs of the Web Bridges the Call Bridge knows (`c2w://` is a Web Bridge 3). */
  readonly webBridgeUrls?: readonly string[];
  readonly error?: string;
}

/** Asked for in one page: above any plausible server maximum, so the answer shows the server's own cap. */
const PAGE_PROBE = 1000;

interface Target {
  readonly cb: CallBridgeConfig;
  readonly passwordKey: string;
}

function clientFor(config: WbguardConfig, t: Target, url: string): CmsApiClient {
  const api = t.cb.api as NonNullable<CallBridgeConfig['api']>;
  const password = config.secrets.get(t.passwordKey);
  return createCmsApiClient({
    url,
    username: api.username,
    password: () => password?.reveal() ?? '',
    ...(api.ca ? { ca: readFileSync(api.ca, 'utf8') } : {}),
    insecure: api.insecure,
    timeoutMs: Math.min(config.mmp.connectTimeoutMs, 10_000),
    retries: 0,
  });
}

/** Checks one Call Bridge's API; `now` is this host's clock. */
async function checkOne(config: WbguardConfig, t: Target, now: () => number, out: Check[]): Promise<ApiObservation> {
  const api = t.cb.api as NonNullable<CallBridgeConfig['api']>;
  const name = t.cb.name;
  const url = api.url.replace(/\/+$/, '');
  const subject = `${name} ${url}`;
  const missingPrefix = !/\/api\/v1$/.test(url);
  const client = clientFor(config, t, url);
  try {
    let status: Awaited<ReturnType<CmsApiClient['systemStatus']>>;
    try {
      status = await client.systemStatus();
    } catch (err) {
      if (missingPrefix && errorCodeOf(err) === 'WBGUARD_ERR_API_NOT_FOUND') {
        const fixed = `${url}/api/v1`;
        const retry = clientFor(config, t, fixed);
        const works = await retry.systemStatus().then(
          () => true,
          () => false,
        );
        await retry.close().catch(() => undefined);
        out.push(
          fail(
            'api',
            subject,
            `the URL has no /api/v1: ${url}/system/status answered 404${works ? `; ${fixed}/system/status answers` : ''}`,
            `set callbridges[].api.url of ${name} to ${fixed}`,
          ),
        );
        return { name, url, error: 'WBGUARD_ERR_API_NOT_FOUND' };
      }
      out.push(apiFailure(name, subject, api.username, err));
      return { name, url, error: errorCodeOf(err) };
    }
    out.push(
      api.insecure
        ? warn(
            'api',
            subject,
            'reachable; TLS NOT verified (callbridges[].api.insecure: true)',
            'give callbridges[].api.ca (the CA of the Web Admin certificate) and remove insecure',
          )
        : ok('api', subject, `reachable; TLS verified (${api.ca ? `CA ${api.ca}` : 'system CAs'})`),
    );
    out.push(ok('api', subject, `credentials of ${api.username} accepted; CMS ${status.softwareVersion}`));
    const page = await client.callLegsPage(PAGE_PROBE);
    const capped = page.returned < PAGE_PROBE && page.returned < page.total;
    out.push(
      ok(
        'api',
        subject,
        capped
          ? `page size: asked ${PAGE_PROBE} call legs, the server sent ${page.returned} of ${page.total} (its maximum page)`
          : `page size: asked ${PAGE_PROBE}, got all ${page.total} call legs in one page (the server's maximum is not reached)`,
      ),
    );
    const webBridges = judgeCmsVersion(status.softwareVersion)?.webBridge3Available
      ? await client.webBridges()
      : undefined;
    if (webBridges) {
      out.push(webBridge3Check(subject, status.softwareVersion, webBridges));
    }
    const cdr = status.cdrTime ? Date.parse(status.cdrTime) : Number.NaN;
    const skewMs = Number.isNaN(cdr) ? undefined : cdr - now();
    return {
      name,
      url,
      version: status.softwareVersion,
      ...(status.cdrTime ? { cdrTime: status.cdrTime } : {}),
      ...(skewMs === undefined ? {} : { skewMs }),
      ...(webBridges ? { webBridgeUrls: webBridges.map((w) => w.url) } : {}),
      pageAsked: PAGE_PROBE,
      pageReturned: page.returned,
      total: page.total,
    };
  } catch (err) {
    out.push(apiFailure(name, subject, api.username, err));
    return { name, url, error: errorCodeOf(err) };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** On 2.9+, Web Bridge 3 (which does not leak) is the real fix: whether the cluster has one (`c2w://` URL). */
function webBridge3Check(subject: string, version: string, webBridges: ReadonlyArray<{ url: string }>): Check {
  const wb3 = webBridges.filter((w) => w.url.startsWith('c2w://'));
  const listed = webBridges.map((w) => w.url).join(', ') || 'none';
  return wb3.length > 0
    ? ok(
        'api',
        subject,
        `CMS ${version}: Web Bridge 3 configured (${wb3.map((w) => w.url).join(', ')}); /webBridges: ${listed}`,
      )
    : warn(
        'api',
        subject,
        `CMS ${version} offers Web Bridge 3, which does not leak, but none is configured (/webBridges: ${listed})`,
        'plan the move to Web Bridge 3 (webbridge3 on the MMP, a c2w:// webBridge in the API); wbguard guards Web Bridge 2 until then',
      );
}

function apiFailure(name: string, subject: string, username: string, err: unknown): Check {
  const code = errorCodeOf(err);
  const message = (err as Error).message ?? String(err);
  switch (code) {
    case 'WBGUARD_ERR_API_AUTH':
      return fail(
        'api',
        subject,
        `credentials of ${username} refused (401)`,
        `check callbridges[].api.username and the password it refers to for ${name}: an MMP user with the api role (user add NAME api)`,
      );
    case 'WBGUARD_ERR_API_FORBIDDEN':
      return fail('api', subject, `${username} is not allowed (403)`, `give ${username} the api role on the MMP`);
    case 'WBGUARD_ERR_API_TLS':
      return fail(
        'api',
        subject,
        `TLS certificate not verified: ${message}`,
        'give callbridges[].api.ca (the CA of the Web Admin certificate); insecure: true only to test',
      );
    case 'WBGUARD_ERR_API_NOT_FOUND':
      return fail('api', subject, `the API answered 404: ${message}`, 'check callbridges[].api.url (…/api/v1)');
    default:
      return fail(
        'api',
        subject,
        `not reachable (${code}): ${message}`,
        'check callbridges[].api.url (the Web Admin address and port, e.g. https://cms1:445/api/v1) and the firewall',
      );
  }
}

/** Every Call Bridge with an API, one after the other. */
export async function checkApis(
  config: WbguardConfig,
  clusterPrefixes: ReadonlyArray<{ prefix: string; callbridges: readonly CallBridgeConfig[] }>,
  now: () => number,
  out: Check[],
): Promise<ApiObservation[]> {
  const seen: ApiObservation[] = [];
  for (const k of clusterPrefixes) {
    for (const [i, cb] of k.callbridges.entries()) {
      if (cb.api) {
        seen.push(await checkOne(config, { cb, passwordKey: `${k.prefix}callbridges.${i}.api.password` }, now, out));
      }
    }
  }
  if (seen.length === 0) {
    out.push(
      warn(
        'api',
        'CMS API',
        'no callbridges[].api configured: real CMA counts come from STATS lines every 5 minutes only',
        'optional: add callbridges[].api (url …/api/v1, username, password by reference)',
      ),
    );
  }
  return seen;
}
