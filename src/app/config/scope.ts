/**
 * @module app/config/scope
 * One cluster of a configuration as a configuration of its own: `cluster`, `webbridges`, `callbridges` and
 * `policy` are that cluster's, everything else is shared. Every part written for one cluster (the policy, the
 * restart orchestrator, the API poller, the MMP probe) then serves each cluster of a `clusters:` file unchanged.
 */
import { type ClusterView, clustersOf } from './clusters.js';
import type { WbguardConfig } from './load.js';
import type { Secret } from './secrets.js';

/** The configuration as `view`'s cluster alone sees it; its API passwords keep the keys a single cluster uses. */
export function scopeToCluster(config: WbguardConfig, view: ClusterView): WbguardConfig {
  if (view.pathPrefix === '') {
    return config;
  }
  const secrets = new Map<string, Secret>();
  for (const [key, secret] of config.secrets) {
    if (key.startsWith(view.pathPrefix)) {
      secrets.set(key.slice(view.pathPrefix.length), secret);
    } else if (!/^clusters\.\d+\./.test(key)) {
      secrets.set(key, secret);
    }
  }
  return Object.freeze({
    ...config,
    cluster: view.name,
    webbridges: [...view.webbridges],
    callbridges: [...view.callbridges],
    policy: view.policy,
    clusters: [],
    secrets,
  });
}

/** Every cluster of the configuration, each scoped as above, in the file's order. */
export function scopedClusters(config: WbguardConfig): WbguardConfig[] {
  return clustersOf(config).map((view) => scopeToCluster(config, view));
}
