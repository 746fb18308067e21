/**
 * @module app/config/clusters
 * The clusters a configuration describes, in one shape whichever way it is written: a single cluster at the top
 * level (`cluster`, `webbridges`, `callbridges`, `policy`), or several under `clusters:` (issue 10), each with its
 * own nodes and, optionally, its own policy.
 */
import type { CallBridgeConfig, ParsedConfig, PolicyConfig, WebBridgeConfig } from './schema.js';

export interface ClusterView {
  readonly name: string;
  readonly webbridges: readonly WebBridgeConfig[];
  readonly callbridges: readonly CallBridgeConfig[];
  readonly policy: PolicyConfig;
  /** Where its nodes sit in the file (`''` or `clusters.2.`), to name keys in messages. */
  readonly pathPrefix: string;
}

export function clustersOf(c: ParsedConfig): ClusterView[] {
  if (c.clusters.length === 0) {
    return [
      { name: c.cluster, webbridges: c.webbridges, callbridges: c.callbridges, policy: c.policy, pathPrefix: '' },
    ];
  }
  return c.clusters.map((k, i) => ({
    name: k.name,
    webbridges: k.webbridges,
    callbridges: k.callbridges,
    policy: k.policy ?? c.policy,
    pathPrefix: `clusters.${i}.`,
  }));
}
