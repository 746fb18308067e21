/**
 * @module sim/config
 * Configuration of `wbguard sim`: flags or a `sim.yaml`, validated by one schema (unknown keys are rejected with
 * their path). Durations accept `30s`, `15m`, `24h`, `2d` or milliseconds.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  }
  const m = DURATION.exec(value.trim());
  return m ? Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] as number) : undefined;
}

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a duration: ${v} (use e.g. 30s, 15m, 24h, 2d)` });
    return z.NEVER;
  }
  return ms;
});
const port = z.number().int().min(0).max(65535);

export const SimConfigSchema = z
  .object({
    nodes: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(3)
      .describe('combined servers (Web Bridge 2 + Call Bridge), named cms1…'),
    webbridgeOnly: z.number().int().min(0).max(50).default(0).describe('extra Web-Bridge-only nodes'),
    callbridgeOnly: z.number().int().min(0).max(50).default(0).describe('extra Call-Bridge-only nodes'),
    webbridge3Nodes: z.array(z.string()).default([]).describe('nodes on CMS 2.9 that also run Web Bridge 3'),
    softwareVersion: z.string().default('2.8.3'),
    limit: z.number().int().min(1).max(10_000).default(149),
    leakRate: z.number().min(0).max(1).default(0.05).describe('fraction of ended sessions a Web Bridge leaks'),
    joinRate: z.number().min(0).max(1_000_000).default(120).describe('guests joining per simulated hour'),
    loadCurve: z.enum(['constant', 'workday']).default('constant'),
    meanStay: duration.default(1_800_000),
    meetings: z.number().int().min(1).max(10_000).default(8),
    sipLegsPerCall: z.number().int().min(0).max(100).default(1),
    statsInterval: duration.default(10_000),
    callbridgeStatsInterval: duration.default(300_000),
    chatterPerStats: z.number().int().min(0).max(1000).default(1),
    restartDuration: duration.default(30_000),
    restartOutput: z.enum(['none', 'success', 'failure']).default('success'),
    listen: z.string().default('127.0.0.1'),
    allowRemote: z.boolean().default(false).describe('allow --listen on an address that is not loopback'),
    sshPort: port.default(2222),
    controlPort: port.default(8480),
    apiPort: port.default(8443),
    syslog: z
      .array(z.string())
      .default([])
      .describe('udp://h:p, tcp://h:p[?framing=octet], tls://h:p[?ca=FILE|insecure=1], file:PATH'),
    user: z.string().min(1).default('admin'),
    passwordEnv: z.string().default('WBGUARD_SIM_PASSWORD'),
    authorizedKeys: z.array(z.string()).default([]).describe('files holding OpenSSH public keys allowed to log in'),
    apiUser: z.string().min(1).default('api'),
    stateDir: z.string().default('.sim-state'),
    speed: z.union([z.number().positive().max(1_000_000), z.literal('max')]).default(60),
    duration: duration.optional().describe('stop after this much simulated time'),
    start: z
      .string()
      .optional()
      .describe('simulated start time (ISO-8601); default two hours ago (now with aheadOfClock or speed max)'),
    aheadOfClock: z
      .boolean()
      .default(false)
      .describe(
        'keep running at speed past the wall clock (stamps in the future: for a guard on the simulator clock, as the demo)',
      ),
    seed: z.number().int().default(1),
  })
  .strict();

export type SimConfig = z.output<typeof SimConfigSchema>;
export type SimConfigInput = z.input<typeof SimConfigSchema>;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export function parseSimConfig(input: unknown, source = 'sim configuration'): SimConfig {
  const parsed = SimConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid ${source}`, issues);
  }
  const c = parsed.data;
  if (!isLoopback(c.listen) && !c.allowRemote) {
    throw new ConfigError(`invalid ${source}`, [
      `listen: ${c.listen} is not a loopback address (set allowRemote / --allow-remote to serve a network on purpose)`,
    ]);
  }
  if (c.speed === 'max' && c.duration === undefined) {
    throw new ConfigError(`invalid ${source}`, [
      'speed: max needs a duration (it runs simulated time as fast as it can, then stops)',
    ]);
  }
  if (c.start !== undefined && Number.isNaN(Date.parse(c.start))) {
    throw new ConfigError(`invalid ${source}`, [`start: not a date: ${c.start}`]);
  }
  return c;
}

export async function readSimConfigFile(path: string): Promise<SimConfigInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the sim configuration [path:${path}]`, [(err as Error).message]);
  }
  try {
    return (parseYaml(text) ?? {}) as SimConfigInput;
  } catch (err) {
    throw new ConfigError(`the sim configuration is not valid YAML [path:${path}]`, [(err as Error).message]);
  }
}
