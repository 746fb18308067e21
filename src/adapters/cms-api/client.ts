/**
 * @module adapters/cms-api/client
 * A client for one Call Bridge's REST API (docs/cms-facts.md §5): HTTPS with Basic auth, the CA given or — explicitly —
 * no verification, XML validated then parsed, `offset`/`limit` paging up to `total`, timeouts, retries with back-off
 * on 5xx and network errors, and one clear error per failure. Counting real CMA legs needs each leg's `type`, which
 * only the per-leg detail has: details are fetched with bounded concurrency and cached by leg id, so a poll costs one
 * request per page plus one per leg not seen before (not one per leg every time).
 */

import type { XMLParser } from 'fast-xml-parser';
import { Agent, fetch } from 'undici';
import { CmsApiError, type CmsApiErrorCode } from '../../errors.js';

export interface CmsApiClientOptions {
  /** Base URL, e.g. https://10.0.0.11:445/api/v1 */
  readonly url: string;
  readonly username: string;
  readonly password: () => string;
  /** PEM of the CA that signed the Web Admin certificate. */
  readonly ca?: string;
  /** Skip TLS verification (the caller warns about it). */
  readonly insecure?: boolean;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** Retries after a 5xx or a network error. @default 2 */
  readonly retries?: number;
  /** Page size asked for. @default 50 */
  readonly pageSize?: number;
  /** Parallel per-leg requests. @default 4 */
  readonly concurrency?: number;
}

export interface SystemStatus {
  readonly softwareVersion: string;
  readonly uptimeSeconds: number;
  readonly activated: boolean;
  readonly callLegsActive: number;
  /** The Call Bridge's clock (`cdrTime`, ISO-8601), when it sends one. */
  readonly cdrTime?: string;
}

/** One page of a collection as the server answered it: how many items it sent, and the total it announced. */
export interface PageProbe {
  readonly returned: number;
  readonly total: number;
}

export interface LegCounts {
  /** CMA (WebRTC, desktop, iOS) legs: type acano. */
  readonly acano: number;
  readonly sip: number;
  /** Legs a cluster adds between Call Bridges; never counted as participants. */
  readonly distributionLinks: number;
  readonly total: number;
  /** HTTP requests this count cost. */
  readonly requests: number;
}

// Loaded at the first answer: a daemon without any CMS API configured does not carry the XML parser.
let xml: Promise<{ parser: XMLParser; validate: typeof import('fast-xml-parser').XMLValidator.validate }> | undefined;
function loadXml() {
  xml ??= import('fast-xml-parser').then(({ XMLParser, XMLValidator }) => ({
    parser: new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: true,
      isArray: (name) => ['callLeg', 'call', 'callBridge', 'webBridge'].includes(name),
    }),
    validate: XMLValidator.validate,
  }));
  return xml;
}

export interface CmsApiClient {
  systemStatus(): Promise<SystemStatus>;
  countCallLegs(): Promise<LegCounts>;
  /** GETs one page of `/callLegs` (`offset=0&limit=limit`): what the server's page size really is. */
  callLegsPage(limit: number): Promise<PageProbe>;
  /** GETs `/webBridges` (first page): each Web Bridge the Call Bridge knows, with its URL (`c2w://` for Web Bridge 3). */
  webBridges(): Promise<Array<{ id: string; url: string }>>;
  close(): Promise<void>;
}

function codeFor(status: number): CmsApiErrorCode {
  if (status === 401) {
    return 'WBGUARD_ERR_API_AUTH';
  }
  if (status === 403) {
    return 'WBGUARD_ERR_API_FORBIDDEN';
  }
  if (status === 404) {
    return 'WBGUARD_ERR_API_NOT_FOUND';
  }
  return 'WBGUARD_ERR_API_SERVER';
}

export function createCmsApiClient(o: CmsApiClientOptions): CmsApiClient {
  const agent = new Agent({
    connect: { ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.insecure },
    headersTimeout: o.timeoutMs ?? 10_000,
    bodyTimeout: o.timeoutMs ?? 10_000,
  });
  const base = o.url.replace(/\/+$/, '');
  const typeCache = new Map<string, 'acano' | 'sip' | 'link'>();
  let requests = 0;

  const get = async (path: string): Promise<Record<string, unknown>> => {
    const retries = o.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      requests++;
      let res: Awaited<ReturnType<typeof fetch>>;
      try {
        res = await fetch(`${base}${path}`, {
          dispatcher: agent,
          headers: {
            authorization: `Basic ${Buffer.from(`${o.username}:${o.password()}`).toString('base64')}`,
            accept: 'text/xml',
          },
          signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        const text = `${(err as Error).message} ${cause?.code ?? ''} ${cause?.message ?? ''}`;
        const tls = /certificate|self.signed|CERT_|TLS|SSL/i.test(text);
        const timeout = /timeout|aborted/i.test(text);
        if (!tls && attempt < retries) {
          await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
          continue;
        }
        const code = tls ? 'WBGUARD_ERR_API_TLS' : timeout ? 'WBGUARD_ERR_API_TIMEOUT' : 'WBGUARD_ERR_API_CONNECT';
        throw new CmsApiError(
          code,
          `cms api request failed [url:${base}${path}]: ${cause?.code ?? (err as Error).message}`,
          undefined,
          {
            cause: err,
            ...(tls ? { hint: 'give callbridges[].api.ca (the CA of the Web Admin certificate)' } : {}),
          },
        );
      }
      const body = await res.text();
      if (res.status >= 500 && attempt < retries) {
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        continue;
      }
      if (res.status !== 200) {
        const detail = /<failureDetails>\s*<(\w+)/.exec(body)?.[1];
        throw new CmsApiError(
          codeFor(res.status),
          `cms api answered ${res.status}${detail ? ` ${detail}` : ''} [url:${base}${path}]`,
          res.status,
        );
      }
      const { parser, validate } = await loadXml();
      const valid = validate(body);
      if (valid !== true) {
        throw new CmsApiError(
          'WBGUARD_ERR_API_XML',
          `cms api sent unreadable XML [url:${base}${path}]: ${valid.err.msg} (line ${valid.err.line})`,
          res.status,
        );
      }
      return parser.parse(body) as Record<string, unknown>;
    }
  };

  const legType = async (id: string): Promise<'acano' | 'sip' | 'link'> => {
    const cached = typeCache.get(id);
    if (cached) {
      return cached;
    }
    const leg =
      ((await get(`/callLegs/${encodeURIComponent(id)}`)).callLeg as Array<Record<string, unknown>> | undefined)?.[0] ??
      {};
    const t = leg.subType === 'distributionLink' ? 'link' : leg.type === 'acano' ? 'acano' : 'sip';
    typeCache.set(id, t);
    return t;
  };

  return {
    async systemStatus() {
      const s = ((await get('/system/status')).status ?? {}) as Record<string, unknown>;
      if (s.softwareVersion === undefined) {
        throw new CmsApiError(
          'WBGUARD_ERR_API_XML',
          `cms api status without softwareVersion [url:${base}/system/status]`,
        );
      }
      return {
        softwareVersion: String(s.softwareVersion),
        uptimeSeconds: Number(s.uptimeSeconds ?? 0),
        activated: s.activated === true || s.activated === 'true',
        callLegsActive: Number(s.callLegsActive ?? 0),
        ...(s.cdrTime === undefined ? {} : { cdrTime: String(s.cdrTime) }),
      };
    },
    async countCallLegs() {
      const before = requests;
      const ids: string[] = [];
      const listed = new Set<string>();
      const page = o.pageSize ?? 50;
      for (let offset = 0; offset < 100_000; ) {
        const list = ((await get(`/callLegs?offset=${offset}&limit=${page}`)).callLegs ?? {}) as Record<
          string,
          unknown
        >;
        const items = (list.callLeg as Array<Record<string, unknown>> | undefined) ?? [];
        const before = ids.length;
        for (const id of items.map((l) => String(l['@_id']))) {
          if (!listed.has(id)) {
            listed.add(id);
            ids.push(id);
          }
        }
        const total = Number(list['@_total'] ?? 0);
        offset += items.length;
        // A page with nothing new ends the listing: a server that repeats itself (or lies about `total`) must not
        // keep a poll going for thousands of requests (found by the fuzz test in test/prove).
        if (items.length === 0 || ids.length === before || offset >= total) {
          break;
        }
      }
      const seen = new Set(ids);
      for (const id of typeCache.keys()) {
        if (!seen.has(id)) {
          typeCache.delete(id); // ended legs leave the cache
        }
      }
      const types: Array<'acano' | 'sip' | 'link'> = [];
      const queue = [...ids];
      await Promise.all(
        Array.from({ length: Math.max(1, o.concurrency ?? 4) }, async () => {
          for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
            types.push(await legType(id));
          }
        }),
      );
      return {
        acano: types.filter((t) => t === 'acano').length,
        sip: types.filter((t) => t === 'sip').length,
        distributionLinks: types.filter((t) => t === 'link').length,
        total: ids.length,
        requests: requests - before,
      };
    },
    async callLegsPage(limit) {
      const list = ((await get(`/callLegs?offset=0&limit=${limit}`)).callLegs ?? {}) as Record<string, unknown>;
      const items = (list.callLeg as unknown[] | undefined) ?? [];
      return { returned: items.length, total: Number(list['@_total'] ?? 0) };
    },
    async webBridges() {
      const list = ((await get('/webBridges?offset=0&limit=100')).webBridges ?? {}) as Record<string, unknown>;
      const items = (list.webBridge as Array<Record<string, unknown>> | undefined) ?? [];
      return items.map((w) => ({ id: String(w['@_id'] ?? ''), url: String(w.url ?? '') }));
    },
    close: () => agent.close(),
  };
}
