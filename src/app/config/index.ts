/**
 * @module app/config
 * wbguard's configuration: one schema, secrets by reference. Import from here, not from the files behind it.
 */
export { type ClusterView, clustersOf } from './clusters.js';
export { type CrossIssue, crossCheck } from './cross-checks.js';
export { formatHostPort, type HostPort, parseHostPort } from './host-port.js';
export { formatPath } from './issues.js';
export { joinRefusalSettings } from './join-refusal.js';
export * from './load.js';
export { callbridgeNameMap, webbridgeNameMap } from './names.js';
export * from './schema.js';
export { scopedClusters, scopeToCluster } from './scope.js';
export * from './secrets.js';
export { type StoreSettings, storeSettings } from './store.js';
