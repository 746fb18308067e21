/**
 * @module sim/api
 * The simulated CMS REST API (docs/cms-facts.md §5): HTTPS with a self-signed certificate, HTTP Basic auth, XML.
 * Each Call Bridge of a real cluster has its own API on its Web Admin listener, so each simulated Call Bridge
 * gets its own HTTPS listener: the first on `port`, the next on port + 1, … (all ephemeral when `port` is 0).
 * Paging: `offset`, `limit` (default 10, at most `maxPageSize`, 100 by default: the real values are unconfirmed).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { Logger } from '../../ports/logger.js';
import type { SimCluster, SimNode } from '../types.js';
import { loadOrCreateCert } from './tls-cert.js';
import { callLegsXml, callLegXml, callsXml, callXml, esc, failureXml, systemStatusXml } from './xml.js';

export interface CmsApiOptions {
  readonly host: string;
  readonly port: number;
  readonly stateDir: string;
  readonly users: ReadonlyArray<{ name: string; password: string }>;
  readonly log?: Logger;
  /** @default 10 */
  readonly defaultPageSize?: number;
  /** @default 100 */
  readonly maxPageSize?: number;
  /** Clock for `cdrTime`. */
  readonly now?: () => number;
}

export interface CmsApi {
  /** Port and URL of the first Call Bridge's API. */
  readonly port: number;
  readonly url: string;
  readonly caCertPath: string;
  readonly nodes: Array<{ name: string; port: number; url: string }>;
  /** Requests served per path pattern (for measuring polling cost). */
  stats(): Record<string, number>;
  close(): Promise<void>;
}

function authorized(header: string | undefined, users: CmsApiOptions['users']): boolean {
  if (!header?.startsWith('Basic ')) {
    return false;
  }
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = decoded.slice(0, colon);
  const password = Buffer.from(decoded.slice(colon + 1));
  return users.some((u) => {
    const p = Buffer.from(u.password);
    return u.name === name && p.length === password.length && timingSafeEqual(p, password);
  });
}

function paging(url: URL, def: number, max: number): { offset: number; limit: number } {
  const offset = Math.max(0, Number.parseInt(url.searchParams.get('offset') ?? '0', 10) || 0);
  const limit = Math.min(max, Math.max(1, Number.parseInt(url.searchParams.get('limit') ?? String(def), 10) || def));
  return { offset, limit };
}

export async function startCmsApi(cluster: SimCluster, options: CmsApiOptions): Promise<CmsApi> {
  const cert = await loadOrCreateCert(join(options.stateDir, 'api'));
  const counts: Record<string, number> = {};
  const def = options.defaultPageSize ?? 10;
  const max = options.maxPageSize ?? 100;
  const now = options.now ?? Date.now;
  const callbridges = cluster.nodes.filter((n) => n.hasCallBridge);
  const servers: Array<{ node: SimNode; server: Server; port: number }> = [];

  const handler =
    (node: SimNode) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const path = url.pathname.replace(/\/+$/, '');
      const key = path.replace(/\/[0-9a-f-]{8,}$/i, '/:id');
      counts[key] = (counts[key] ?? 0) + 1;
      const send = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
        res.end(body);
      };
      if (!authorized(req.headers.authorization, options.users)) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="CMS API"', 'content-type': 'text/plain' });
        res.end('unauthorized');
        return;
      }
      if (req.method !== 'GET') {
        send(405, failureXml('methodNotSupported'));
        return;
      }
      const legs = node.callLegs();
      if (path === '/api/v1/system/status') {
        send(200, systemStatusXml(node, now()));
      } else if (path === '/api/v1/system/load') {
        send(200, `<?xml version="1.0"?><load><mediaProcessingLoad>${legs.length * 100}</mediaProcessingLoad></load>`);
      } else if (path === '/api/v1/callLegs') {
        const { offset, limit } = paging(url, def, max);
        send(200, callLegsXml(legs.slice(offset, offset + limit), legs.length));
      } else if (path.startsWith('/api/v1/callLegs/')) {
        const leg = legs.find((l) => l.id === path.slice('/api/v1/callLegs/'.length));
        leg ? send(200, callLegXml(leg)) : send(404, failureXml('callLegDoesNotExist'));
      } else if (path === '/api/v1/calls') {
        const calls = node.calls();
        const { offset, limit } = paging(url, def, max);
        send(200, callsXml(calls.slice(offset, offset + limit), calls.length));
      } else if (path.startsWith('/api/v1/calls/')) {
        const call = node.calls().find((c) => c.id === path.slice('/api/v1/calls/'.length));
        call ? send(200, callXml(call)) : send(404, failureXml('callDoesNotExist'));
      } else if (path === '/api/v1/callBridges') {
        send(
          200,
          `<?xml version="1.0"?><callBridges total="${callbridges.length}">${callbridges.map((c) => `<callBridge id="cb-${esc(c.name)}"><name>${esc(c.name)}</name></callBridge>`).join('')}</callBridges>`,
        );
      } else if (path.startsWith('/api/v1/callBridges/cb-')) {
        const cb = callbridges.find((c) => `cb-${c.name}` === path.slice('/api/v1/callBridges/'.length));
        const port = servers.find((s) => s.node === cb)?.port;
        cb
          ? send(
              200,
              `<?xml version="1.0"?><callBridge id="cb-${esc(cb.name)}"><name>${esc(cb.name)}</name><address>https://127.0.0.1:${port}</address><sipDomain></sipDomain></callBridge>`,
            )
          : send(404, failureXml('callBridgeDoesNotExist'));
      } else if (path === '/api/v1/webBridges') {
        const wbs = cluster.nodes.filter((n) => n.hasWebBridge);
        // A Web Bridge 3 is known to the Call Bridge by a c2w:// URL (Cisco tech note 221729, "CMS Edge").
        const wb3s = cluster.nodes.filter((n) => n.hasWebBridge3);
        send(
          200,
          `<?xml version="1.0"?><webBridges total="${wbs.length + wb3s.length}">${wbs.map((w) => `<webBridge id="wb-${esc(w.name)}"><url>https://${esc(w.name)}.example.com</url></webBridge>`).join('')}${wb3s.map((w) => `<webBridge id="wb3-${esc(w.name)}"><url>c2w://${esc(w.name)}.example.com:6000</url></webBridge>`).join('')}</webBridges>`,
        );
      } else if (path.startsWith('/api/v1/webBridges/wb-')) {
        const wb = cluster.nodes.find(
          (n) => n.hasWebBridge && `wb-${n.name}` === path.slice('/api/v1/webBridges/'.length),
        );
        wb
          ? send(
              200,
              `<?xml version="1.0"?><webBridge id="wb-${esc(wb.name)}"><url>https://${esc(wb.name)}.example.com</url></webBridge>`,
            )
          : send(404, failureXml('webBridgeDoesNotExist'));
      } else {
        send(404, failureXml('unrecognisedObject'));
      }
    };

  try {
    for (const [i, node] of callbridges.entries()) {
      const server = createServer({ cert: cert.cert, key: cert.key }, handler(node));
      const port = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port === 0 ? 0 : options.port + i, options.host, () =>
          resolve((server.address() as { port: number }).port),
        );
      });
      servers.push({ node, server, port });
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.server.close(r))));
    throw err;
  }
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const nodes = servers.map((s) => ({
    name: s.node.name,
    port: s.port,
    url: `https://${hostForUrl}:${s.port}/api/v1`,
  }));
  let closed = false;
  return {
    port: servers[0]?.port ?? 0,
    url: nodes[0]?.url ?? '',
    caCertPath: cert.certPath,
    nodes,
    stats: () => ({ ...counts }),
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.server.close(() => resolve());
              s.server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
