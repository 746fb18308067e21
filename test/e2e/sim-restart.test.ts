/**
 * docs/simulator.md's walkthrough, end to end: `wbguard sim` (its clock, its MMP over SSH, its syslog files), a
 * configuration, `wbguard trust`, `wbguard restart --dry-run`, then `wbguard restart`, with wbguard's defaults. The
 * fresh guard must not refuse the simulator's lines (they were stamped ahead of the clock once), and the restart runs
 * through the simulator's real MMP and is verified back from its logs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/run.js';
import { tempDir } from '../sim/helpers.js';

const MAIN = new URL('../../src/app/cli/main.ts', import.meta.url).pathname;
const PASSWORD = 'walk-Through-7';

test('sim → config → trust → restart --dry-run → restart, with the defaults', { timeout: 300_000 }, async (t) => {
  const dir = tempDir(t, 'wbguard-walk-');
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  // Load that leaks fast and then stops, so that within the simulator's two hours of history a Web Bridge leaks
  // and everyone leaves (the idle guard needs nobody real connected).
  writeFileSync(join(dir, 'sim.yaml'), 'joinRate: 600\nmeanStay: 5m\nleakRate: 0.5\nrestartDuration: 5s\n');
  const env = { ...process.env, WBGUARD_SIM_PASSWORD: PASSWORD, WBGUARD_MMP_PASSWORD: PASSWORD };
  const sim = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', MAIN, 'sim', '--json', '--config', join(dir, 'sim.yaml'), '--speed', '600'],
      ...['--ssh-port', '0', '--control-port', '0', '--api-port', '0', '--state-dir', join(dir, 'sim-state')],
      ...['--syslog', `file:${join(logs, '{node}.log')}`],
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => sim.kill('SIGKILL'));
  const info = await new Promise<{ nodes: Array<{ name: string; sshPort: number }>; control: string }>(
    (resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the simulator did not start: ${out}`)), 30_000);
      sim.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(JSON.parse(out.split('\n')[0] as string));
        }
      });
    },
  );
  // Seven seconds of load (at most 70 simulated minutes), then none: the rest of the history empties the meetings.
  await new Promise((r) => setTimeout(r, 7000));
  await fetch(`${info.control}/sim/load`, { method: 'POST', body: JSON.stringify({ joinRate: 0 }) });

  const config = join(dir, 'wbguard.yaml');
  writeFileSync(
    config,
    [
      'cluster: sim',
      'webbridges:',
      ...info.nodes.map((n) => `  - { name: ${n.name}, mmp: "127.0.0.1:${n.sshPort}" }`),
      'callbridges:',
      ...info.nodes.map((n) => `  - { name: ${n.name} }`),
      `mmp: { username: admin, password: env:WBGUARD_MMP_PASSWORD, knownHosts: ${join(dir, 'known_hosts')} }`,
      `state: ${join(dir, 'state')}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const wbguard = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', MAIN, ...args, '--config', config], { env, timeoutMs: 240_000 });

  const check = await wbguard('config', 'check');
  assert.equal(check.status, 0, check.stderr);
  const trust = await wbguard('trust', '--all', '--yes');
  assert.equal(trust.status, 0, trust.stdout + trust.stderr);

  // Once the history is replayed, the dry run plans a restart: every guard passes, the fresh one included.
  type Plan = {
    decisions: Array<{
      name: string;
      kind: string;
      guards: Array<{ guard: string; verdict: string; detail: string }>;
    }>;
  };
  let plan: Plan | undefined;
  let last = '';
  for (let i = 0; i < 30 && !plan; i++) {
    const r = await wbguard('restart', '--leaking', '--logs', logs, '--dry-run', '--json');
    last = r.stdout + r.stderr;
    const doc = r.status === 0 ? (JSON.parse(r.stdout) as { plan: Plan }) : undefined;
    if (doc?.plan.decisions.some((d) => d.kind === 'restart')) {
      plan = doc.plan;
    } else {
      await new Promise((res) => setTimeout(res, 2000));
    }
  }
  assert.ok(plan, `no restart planned: ${last}`);
  const chosen = plan.decisions.find((d) => d.kind === 'restart') as Plan['decisions'][number];
  const fresh = chosen.guards.find((g) => g.guard === 'fresh');
  assert.equal(fresh?.verdict, 'pass', JSON.stringify(fresh));
  assert.doesNotMatch(last, /ahead of wbguard's clock/);

  // The restart itself, through the simulator's MMP, verified back from the logs.
  const restarted = await wbguard('restart', chosen.name, '--logs', logs, '--yes');
  assert.equal(restarted.status, 0, restarted.stdout + restarted.stderr);
  const history = (await (await fetch(`${info.control}/sim/history`)).json()) as Array<{ node: string; event: string }>;
  assert.ok(
    history.some((h) => h.node === chosen.name && h.event === 'restart:completed'),
    JSON.stringify(history.filter((h) => h.event !== 'command')),
  );
});
