/**
 * @module sim/control
 * The simulator's control API (HTTP JSON, loopback only): `GET /sim/state`, `POST /sim/load`, `POST /sim/faults`,
 * `GET /sim/history`. It lets a test or an operator watch the cluster and break it on purpose.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SimHistoryEntry } from '../model/cluster.js';
import type { SimCluster } from '../types.js';

const LoadBody = z.object({ joinRate: z.number().min(0).max(1_000_000) }).strict();
const FaultsBody = z
  .object({
    node: z.string().min(1),
    faults: z
      .object({
        refuseAuth: z.boolean(),
        hangOnExec: z.boolean(),
        dropMidCommand: z.boolean(),
        slowRestartMs: z.number().int().min(0).max(86_400_000),
        restartKeepsLeak: z.boolean(),
        passwordExpired: z.boolean(),
        portClosed: z.boolean(),
        syslogSilent: z.boolean(),
      })
      .partial()
      .strict(),
  })
  .strict();

export interface ControlServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
      if (body.length > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startControlServer(
  cluster: SimCluster,
  history: () => readonly SimHistoryEntry[],
  options: { host: string; port: number },
): Promise<ControlServer> {
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    try {
      if (req.method === 'GET' && path === '/sim/state') {
        json(res, 200, cluster.state());
      } else if (req.method === 'GET' && path === '/sim/history') {
        json(res, 200, history());
      } else if (req.method === 'POST' && (path === '/sim/load' || path === '/sim/faults')) {
        let data: unknown;
        try {
          data = JSON.parse(await readBody(req));
        } catch {
          json(res, 400, { error: 'body is not JSON' });
          return;
        }
        if (path === '/sim/load') {
          const parsed = LoadBody.safeParse(data);
          if (!parsed.success) {
            json(res, 400, { error: z.prettifyError(parsed.error) });
            return;
          }
          cluster.setJoinRate(parsed.data.joinRate);
          json(res, 200, { joinRate: parsed.data.joinRate });
        } else {
          const parsed = FaultsBody.safeParse(data);
          if (!parsed.success) {
            json(res, 400, { error: z.prettifyError(parsed.error) });
            return;
          }
          if (!cluster.node(parsed.data.node)) {
            json(res, 404, { error: `no such node: ${parsed.data.node}` });
            return;
          }
          cluster.setFaults(parsed.data.node, parsed.data.faults);
          json(res, 200, { node: parsed.data.node, faults: cluster.node(parsed.data.node)?.faults });
        }
      } else {
        json(res, 404, {
          error: 'not found',
          paths: ['GET /sim/state', 'GET /sim/history', 'POST /sim/load', 'POST /sim/faults'],
        });
      }
    } catch (err) {
      json(res, 500, { error: err instanceof Error ? err.message : String(err) });
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve((server.address() as { port: number }).port));
  });
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed = false;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            closed = true;
            server.close(() => resolve());
            server.closeAllConnections();
          }),
  };
}
