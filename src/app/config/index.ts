/**
 * @module app/config
 * wbguard's configuration: one schema, secrets by reference.
 */
export * from './load.js';
export * from './schema.js';
export * from './secret.js';
