/**
 * @module adapters/ssh/known-hosts
 * Reads and appends OpenSSH known_hosts files: plain and `[host]:port` names, comma lists, hashed names
 * (`|1|salt|hash`, HMAC-SHA1), `@revoked` keys (refused) and `@cert-authority` lines (not used here: skipped).
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, readFileSync } from 'node:fs';

export interface KnownKey {
  readonly type: string;
  readonly blob: Buffer;
  readonly revoked: boolean;
}

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH public key blob. */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) {
    return 'unknown';
  }
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function nameMatches(entry: string, pattern: string): boolean {
  if (entry.startsWith('|1|')) {
    const [, , salt, hash] = entry.split('|');
    if (!salt || !hash) {
      return false;
    }
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(pattern).digest('base64') === hash;
  }
  return entry === pattern;
}

/** Keys recorded for host:port in a known_hosts file (empty when the file does not exist). */
export function knownKeys(path: string, host: string, port: number): KnownKey[] {
  if (!existsSync(path)) {
    return [];
  }
  const pattern = hostPattern(host, port);
  const out: KnownKey[] = [];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) {
      continue;
    }
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith('@')) {
      marker = fields.shift();
    }
    const [names, type, key] = fields;
    if (!names || !type || !key || marker === '@cert-authority') {
      continue;
    }
    if (names.split(',').some((n) => nameMatches(n, pattern))) {
      out.push({ type, blob: Buffer.from(key, 'base64'), revoked: marker === '@revoked' });
    }
  }
  return out;
}

/** Appends `host key` to a known_hosts file, creating it with mode 0600. */
export function appendKnownHost(path: string, host: string, port: number, type: string, blob: Buffer): string {
  const line = `${hostPattern(host, port)} ${type} ${blob.toString('base64')}`;
  appendFileSync(path, `${line}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return line;
}
