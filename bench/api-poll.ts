/**
 * Benchmark: the cost of counting real CMA legs through the CMS API on a simulated Call Bridge with about 500 legs —
 * requests and time for the first poll (every leg's detail is fetched once) and for the next ones (only new legs).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCmsApiClient } from '../src/adapters/cms-api/client.js';
import { parseSimConfig } from '../src/sim/config.js';
import { startSimulator } from '../src/sim/run.js';

export interface ApiPollRow {
  poll: string;
  legs: number;
  requests: number;
  ms: number;
}

export async function benchApiPoll(): Promise<ApiPollRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-bench-api-'));
  const sim = await startSimulator(
    parseSimConfig({
      nodes: 1,
      sshPort: 0,
      controlPort: 0,
      apiPort: 0,
      stateDir: dir,
      speed: 0.000001,
      joinRate: 2000,
      meanStay: '4h',
      leakRate: 0,
      limit: 10_000,
      meetings: 40,
      sipLegsPerCall: 2,
      seed: 3,
    }),
    { env: { WBGUARD_SIM_PASSWORD: 'bench' }, tickMs: 3_600_000 },
  );
  try {
    sim.cluster.advance(15 * 60_000);
    const client = createCmsApiClient({
      url: sim.api.url,
      username: 'api',
      password: () => 'bench',
      ca: readFileSync(sim.api.caCertPath, 'utf8'),
      pageSize: 100,
      concurrency: 8,
    });
    const rows: ApiPollRow[] = [];
    for (const poll of ['first', 'second', 'after 2 simulated minutes']) {
      if (poll === 'after 2 simulated minutes') {
        sim.cluster.advance(120_000);
      }
      const t = performance.now();
      const c = await client.countCallLegs();
      rows.push({ poll, legs: c.total, requests: c.requests, ms: Math.round(performance.now() - t) });
    }
    await client.close();
    return rows;
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
