/**
 * @module app/config/store
 * What `store:` means, in one place: SQLite in the state folder (the default), SQLite at a path, or PostgreSQL with
 * its password resolved from a reference.
 */
import { isAbsolute, join } from 'node:path';
import type { WbguardConfig } from './load.js';
import type { Secret } from './secrets.js';

export type StoreSettings =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'postgres';
      /** Without a password (the schema refuses one in the URL). */
      readonly url: string;
      readonly password: Secret | undefined;
      readonly ca: string | undefined;
      readonly insecure: boolean;
    };

export function storeSettings(c: Pick<WbguardConfig, 'store' | 'state' | 'secrets'>): StoreSettings {
  const url = c.store.url;
  if (url === 'sqlite') {
    return { kind: 'sqlite', path: join(c.state, 'wbguard.db') };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return { kind: 'sqlite', path: isAbsolute(path) ? path : join(c.state, path) };
  }
  return {
    kind: 'postgres',
    url,
    password: c.secrets.get('store.password'),
    ca: c.store.ca,
    insecure: c.store.insecure,
  };
}
