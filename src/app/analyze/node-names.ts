/**
 * @module app/analyze/node-names
 * Maps syslog hosts to node names from a configuration file's `webbridges` / `callbridges` lists
 * (`{ name, syslogHost }`; syslogHost defaults to name), and its `analysis` section (the limit, the CMA clients, the
 * staleness, how a join refusal is recognised). Only those keys are read here, so `analyze --config` works with any
 * wbguard configuration.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigError } from '../../errors.js';
import { type AnalysisConfig, AnalysisSchema } from '../config/schema.js';

export interface NodeNames {
  readonly webbridgeNames: Map<string, string>;
  readonly callbridgeNames: Map<string, string>;
  /** The `analysis` section, its defaults filled in. */
  readonly analysis: AnalysisConfig;
}

/** The configuration's `analysis` section, checked by the configuration's own schema. */
function analysisOf(analysis: unknown, issues: string[]): AnalysisConfig {
  const parsed = AnalysisSchema.safeParse(analysis ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push(`analysis.${issue.path.join('.')}: ${issue.message}`);
    }
    return AnalysisSchema.parse({});
  }
  return parsed.data;
}

function mapOf(list: unknown, key: string, issues: string[]): Map<string, string> {
  const map = new Map<string, string>();
  if (list === undefined || list === null) {
    return map;
  }
  if (!Array.isArray(list)) {
    issues.push(`${key}: must be a list`);
    return map;
  }
  list.forEach((item, i) => {
    const name = (item as { name?: unknown })?.name;
    const host = (item as { syslogHost?: unknown })?.syslogHost ?? name;
    if (typeof name !== 'string' || name.length === 0) {
      issues.push(`${key}.${i}.name: must be a non-empty string`);
      return;
    }
    if (typeof host !== 'string' || host.length === 0) {
      issues.push(`${key}.${i}.syslogHost: must be a non-empty string`);
      return;
    }
    map.set(host, name);
  });
  return map;
}

export async function readNodeNames(path: string): Promise<NodeNames> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the configuration [path:${path}]`, [(err as Error).message], { cause: err });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError(`the configuration is not valid YAML [path:${path}]`, [(err as Error).message], {
      cause: err,
    });
  }
  const issues: string[] = [];
  const d = (doc ?? {}) as Record<string, unknown>;
  const names: NodeNames = {
    webbridgeNames: mapOf(d.webbridges, 'webbridges', issues),
    callbridgeNames: mapOf(d.callbridges, 'callbridges', issues),
    analysis: analysisOf(d.analysis, issues),
  };
  if (issues.length > 0) {
    throw new ConfigError(`the configuration has ${issues.length} problem(s) [path:${path}]`, issues);
  }
  return names;
}
