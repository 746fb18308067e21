/** Helpers for simulator tests: a model on a fixed clock, a whole simulator on ephemeral ports in a temp folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { parseSimConfig, type SimConfigInput } from '../../src/sim/config.js';
import { SimClusterModel } from '../../src/sim/model/cluster.js';
import { DEFAULT_SIM_MODEL, type SimModelOptions } from '../../src/sim/model/options.js';
import { type SimulatorHandle, startSimulator } from '../../src/sim/run.js';

export const SIM_START = Date.UTC(2026, 10, 16, 8, 0, 0);

export function model(over: Partial<SimModelOptions> = {}): SimClusterModel {
  return new SimClusterModel({ ...DEFAULT_SIM_MODEL, start: SIM_START, ...over });
}

export function tempDir(t: TestContext, prefix = 'wbguard-sim-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const SIM_PASSWORD = 'sim-secret-Pa55';

/** A simulator on ephemeral loopback ports; time only moves when the test calls cluster.advance(). */
export async function simulator(t: TestContext, over: SimConfigInput = {}): Promise<SimulatorHandle> {
  const stateDir = tempDir(t);
  const config = parseSimConfig({
    sshPort: 0,
    controlPort: 0,
    apiPort: 0,
    stateDir,
    start: new Date(SIM_START).toISOString(),
    speed: 0.000001,
    ...over,
  });
  const sim = await startSimulator(config, { env: { WBGUARD_SIM_PASSWORD: SIM_PASSWORD }, tickMs: 60_000 });
  t.after(() => sim.close());
  return sim;
}
