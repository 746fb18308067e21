/**
 * @module app/config/names
 * Syslog host → node name, for reading log lines: a server may name itself differently in syslog (`cms1.example.com`,
 * `core-2`) than in wbguard's plans. Covers every cluster of the configuration (syslog hosts are unique across them).
 */
import type { ParsedConfig } from './schema.js';

type Nodes = Pick<ParsedConfig, 'webbridges' | 'callbridges'> & { readonly clusters?: ParsedConfig['clusters'] };

function nameMap(nodes: ReadonlyArray<{ readonly name: string; readonly syslogHost?: string | undefined }>) {
  return new Map(nodes.map((n) => [n.syslogHost ?? n.name, n.name]));
}

/** syslogHost (default: name) → Web Bridge name. */
export function webbridgeNameMap(c: Pick<Nodes, 'webbridges' | 'clusters'>): Map<string, string> {
  return nameMap([...c.webbridges, ...(c.clusters ?? []).flatMap((k) => k.webbridges)]);
}

/** syslogHost (default: name) → Call Bridge name. */
export function callbridgeNameMap(c: Pick<Nodes, 'callbridges' | 'clusters'>): Map<string, string> {
  return nameMap([...c.callbridges, ...(c.clusters ?? []).flatMap((k) => k.callbridges)]);
}
