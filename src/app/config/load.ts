/**
 * @module app/config/load
 * Reads, validates and freezes the configuration, and resolves its secret references. Every problem is reported at
 * once, in one ConfigError, each as `path.to.key: problem (line N)`. The result is deep-frozen: no code can change
 * the configuration another part is running with.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, SecretError } from '../../errors.js';
import { clustersOf } from './clusters.js';
import { crossCheck } from './cross-checks.js';
import { type ConfigIssue, type ConfigPath, codeOf, formatIssue, fromZodIssues } from './issues.js';
import { ConfigSchema, type ParsedConfig } from './schema.js';
import { resolveSecret, type Secret, type SecretSource } from './secrets.js';

export interface WbguardConfig extends ParsedConfig {
  /** The file it came from, or a description (`demo configuration`). */
  readonly source: string;
  /** Resolved secrets by key path (`mmp.password`, `callbridges.0.api.password`, …); empty without resolving. */
  readonly secrets: ReadonlyMap<string, Secret>;
  /** Things that are allowed but probably not meant (`wbguard config check` prints them), as `path: problem`. */
  readonly warnings: readonly string[];
}

export interface LoadOptions {
  /** Where `env:NAME` references are looked up. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolve `env:`/`file:` references and check the files the configuration names. @default true */
  readonly resolveSecrets?: boolean;
}

export interface ParseOptions extends LoadOptions {
  /** Names the configuration in messages. @default 'configuration' */
  readonly source?: string;
  /** Maps a key path to its line in the source file (set by loadConfig). */
  readonly lineOf?: (path: ConfigPath) => number | undefined;
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

/** Key paths of every secret in a parsed configuration, with what it refers to. */
export function secretEntries(c: ParsedConfig): Array<[string, SecretSource]> {
  const out: Array<[string, SecretSource]> = [];
  const add = (path: string, v: SecretSource | undefined): void => {
    if (v !== undefined) {
      out.push([path, v]);
    }
  };
  add('mmp.password', c.mmp.password);
  add('mmp.privateKey', c.mmp.privateKey);
  add('mmp.passphrase', c.mmp.passphrase);
  for (const k of clustersOf(c)) {
    k.callbridges.forEach((cb, i) => {
      add(`${k.pathPrefix}callbridges.${i}.api.password`, cb.api?.password);
    });
  }
  add('syslog.tls.key', c.syslog.tls?.key);
  add('store.password', c.store.password);
  add('http.token', c.http.token);
  c.alerts.forEach((a, i) => {
    if (a.type === 'email') {
      add(`alerts.${i}.password`, a.password);
    } else {
      add(`alerts.${i}.url`, a.url);
    }
  });
  return out;
}

/** Files (not secrets) the configuration needs to exist: certificates and CA bundles. */
function fileEntries(c: ParsedConfig): Array<[ConfigPath, string]> {
  const out: Array<[ConfigPath, string | undefined]> = [
    [['syslog', 'tls', 'cert'], c.syslog.tls?.cert],
    [['syslog', 'tls', 'ca'], c.syslog.tls?.ca],
    [['store', 'ca'], c.store.ca],
    ...clustersOf(c).flatMap((k) =>
      k.callbridges.map((cb, i): [ConfigPath, string | undefined] => [
        [
          ...k.pathPrefix
            .split('.')
            .filter(Boolean)
            .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          'callbridges',
          i,
          'api',
          'ca',
        ],
        cb.api?.ca,
      ]),
    ),
    ...c.alerts.map((a, i): [ConfigPath, string | undefined] => [
      ['alerts', i, 'ca'],
      a.type === 'email' ? a.ca : undefined,
    ]),
  ];
  return out.filter((e): e is [ConfigPath, string] => e[1] !== undefined);
}

function fail(source: string, issues: readonly ConfigIssue[], lineOf: ParseOptions['lineOf']): never {
  throw new ConfigError(
    `${source} has ${issues.length} problem${issues.length === 1 ? '' : 's'}`,
    issues.map((i) => formatIssue(i, lineOf)),
    { code: codeOf(issues), hint: 'correct each key listed above; docs/configuration.md describes every key' },
  );
}

/**
 * Validates a configuration object (from YAML, or built in code by the demo and tests), fills in defaults, resolves
 * secrets and freezes it.
 * @throws ConfigError listing every problem; SecretError when one secret cannot be resolved
 */
export function parseConfig(data: unknown, options: ParseOptions = {}): WbguardConfig {
  const source = options.source ?? 'configuration';
  const parsed = ConfigSchema.safeParse(data ?? {});
  if (!parsed.success) {
    fail(source, fromZodIssues(parsed.error.issues), options.lineOf);
  }
  const config = parsed.data;
  const secrets = new Map<string, Secret>();
  if (options.resolveSecrets !== false) {
    const env = options.env ?? process.env;
    const failures: ConfigIssue[] = [];
    let only: SecretError | undefined;
    for (const [key, ref] of secretEntries(config)) {
      try {
        secrets.set(key, resolveSecret(ref, key, env));
      } catch (err) {
        if (!(err instanceof SecretError)) {
          throw err;
        }
        only = err;
        const path = key.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
        failures.push({ path, message: err.hint ? `${err.message}; fix: ${err.hint}` : err.message, code: err.code });
      }
    }
    for (const [path, file] of fileEntries(config)) {
      if (!isRegularFile(file)) {
        failures.push({ path, message: `file not found or not a regular file [file:${file}]` });
      }
    }
    // One unresolvable secret keeps its own class and code; several are listed together like any other problems.
    if (failures.length === 1 && only) {
      throw only;
    }
    if (failures.length > 0) {
      fail(source, failures, options.lineOf);
    }
  }
  const warnings = crossCheck(config).warnings.map((w) =>
    formatIssue({ path: w.path, message: w.message }, options.lineOf),
  );
  return deepFreeze({ ...config, source, secrets, warnings });
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads a YAML configuration file; see parseConfig.
 * @throws ConfigError (unreadable, not YAML with line and column, or invalid), SecretError
 */
export async function loadConfig(path: string, options: LoadOptions = {}): Promise<WbguardConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot read the configuration [path:${path}]`,
      [code === 'ENOENT' ? 'no such file' : String(code)],
      {
        hint: 'wbguard config init writes a commented example; --config or WBGUARD_CONFIG names another file',
      },
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    // Only the first line of each message: the rest quotes the source, which may hold a misplaced secret.
    throw new ConfigError(
      `the configuration is not valid YAML [path:${path}]`,
      doc.errors.map((e) => e.message.split('\n')[0]?.replace(/:$/, '') ?? e.code),
      { code: 'WBGUARD_ERR_CONFIG', hint: 'fix the YAML at that line (indentation, a missing ] or }, a stray :)' },
    );
  }
  const lineOf = (p: ConfigPath): number | undefined => {
    // The deepest part of the path that is in the file: an unknown key is there, a missing one is not.
    for (let n = p.length; n >= 1; n--) {
      const node = doc.getIn(p.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      const at = node?.range?.[0];
      if (at !== undefined) {
        return lineCounter.linePos(at).line;
      }
    }
    return undefined;
  };
  let data: unknown;
  try {
    // toJS resolves aliases and merge keys: an alias to an anchor never set (`<<: *x`) throws here, not in parsing
    // (found by the config fuzz test in test/prove).
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new ConfigError(
      `the configuration is not valid YAML [path:${path}]`,
      [(err as Error).message.split('\n')[0] ?? 'unreadable'],
      { code: 'WBGUARD_ERR_CONFIG', hint: 'define each &anchor before its *alias, and do not nest aliases deeply' },
    );
  }
  return parseConfig(data, { ...options, source: path, lineOf });
}

/** `--config`, else $WBGUARD_CONFIG, else ./wbguard.yaml when it exists, else /etc/wbguard/config.yaml. */
export function resolveConfigPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string {
  if (flag) {
    return flag;
  }
  if (env.WBGUARD_CONFIG) {
    return env.WBGUARD_CONFIG;
  }
  const local = isAbsolute(cwd) ? join(cwd, 'wbguard.yaml') : 'wbguard.yaml';
  return existsSync(local) ? local : '/etc/wbguard/config.yaml';
}
