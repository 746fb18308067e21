/**
 * @module app/config/load
 * Reads, validates and freezes the configuration, and resolves its secret references. Every problem is reported at
 * once, each as `path.to.key: problem`.
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../errors.js';
import { ConfigSchema, type ParsedConfig } from './schema.js';
import { resolveSecret, type Secret } from './secret.js';

export interface WbguardConfig extends ParsedConfig {
  /** The file it came from, or a description. */
  readonly source: string;
  /** Resolved secrets by key path (`mmp.password`, `callbridges.0.api.password`, …). */
  readonly secrets: ReadonlyMap<string, Secret>;
}

export interface LoadOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Resolve `env:`/`file:` references now (fails when one is missing). @default true */
  readonly resolveSecrets?: boolean;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) {
      deepFreeze(v);
    }
  }
  return o;
}

/** Key paths of every secret reference in a parsed configuration. */
function secretPaths(c: ParsedConfig): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (path: string, v: string | undefined): void => {
    if (v !== undefined) {
      out.push([path, v]);
    }
  };
  add('mmp.password', c.mmp.password);
  add('mmp.privateKey', c.mmp.privateKey);
  add('mmp.passphrase', c.mmp.passphrase);
  c.callbridges.forEach((cb, i) => {
    add(`callbridges.${i}.api.password`, cb.api?.password);
  });
  add('http.token', c.http?.token);
  add('syslog.tls.key', c.syslog?.tls?.key);
  c.alerts.forEach((a, i) => {
    if (a.type === 'email') {
      add(`alerts.${i}.password`, a.password);
    } else {
      add(`alerts.${i}.url`, a.url);
    }
  });
  return out;
}

/** Validates an object (from YAML or built in code). */
export function parseConfig(data: unknown, options: LoadOptions & { source?: string } = {}): WbguardConfig {
  const source = options.source ?? 'configuration';
  const parsed = ConfigSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new ConfigError(`${source} has ${issues.length} problem(s)`, issues, {
      hint: 'wbguard config check shows them all; docs/configuration.md lists every key',
    });
  }
  const secrets = new Map<string, Secret>();
  if (options.resolveSecrets !== false) {
    for (const [path, ref] of secretPaths(parsed.data)) {
      secrets.set(path, resolveSecret(ref, path, options.env ?? process.env));
    }
  }
  return deepFreeze({ ...parsed.data, source, secrets });
}

export async function loadConfig(path: string, options: LoadOptions = {}): Promise<WbguardConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot read the configuration [path:${path}]`,
      [code === 'ENOENT' ? 'no such file' : (err as Error).message],
      {
        hint: 'wbguard config init writes a commented example',
      },
    );
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      `the configuration is not valid YAML [path:${path}]`,
      doc.errors.map((e) => e.message.split('\n')[0] as string),
    );
  }
  return parseConfig(doc.toJS(), { ...options, source: path });
}

/** `--config`, else $WBGUARD_CONFIG, else ./wbguard.yaml, else /etc/wbguard/config.yaml. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) {
    return flag;
  }
  if (env.WBGUARD_CONFIG) {
    return env.WBGUARD_CONFIG;
  }
  return existsSync('wbguard.yaml') ? 'wbguard.yaml' : '/etc/wbguard/config.yaml';
}

/** `host[:port]` → parts; IPv6 in brackets. */
export function parseHostPort(value: string, defaultPort: number): { host: string; port: number } {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    const port = value.slice(end + 1).startsWith(':') ? Number(value.slice(end + 2)) : defaultPort;
    return { host: value.slice(1, end), port };
  }
  const colon = value.lastIndexOf(':');
  return colon < 0
    ? { host: value, port: defaultPort }
    : { host: value.slice(0, colon), port: Number(value.slice(colon + 1)) };
}

export function webbridgeNameMap(c: ParsedConfig): Map<string, string> {
  return new Map(c.webbridges.map((w) => [w.syslogHost ?? w.name, w.name]));
}

export function callbridgeNameMap(c: ParsedConfig): Map<string, string> {
  return new Map(c.callbridges.map((cb) => [cb.syslogHost ?? cb.name, cb.name]));
}
