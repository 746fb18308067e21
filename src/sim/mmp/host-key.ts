/**
 * @module sim/mmp/host-key
 * One ed25519 host key per simulated node, generated once into the state folder and reused, so fingerprints stay
 * stable across runs (operators pin them). Fingerprints are printed the way `ssh-keygen -lf` does.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';

const { utils } = ssh2;

export interface HostKey {
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA…` */
  readonly publicLine: string;
  readonly algorithm: string;
  /** `SHA256:…` without padding. */
  readonly fingerprint: string;
}

/** OpenSSH's fingerprint of a public key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function loadOrCreateHostKey(stateDir: string, node: string): HostKey {
  const dir = join(stateDir, 'mmp');
  const path = join(dir, `${node}_host_ed25519`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // ssh2 cannot parse back about 0.4 % of the ed25519 keys it generates ("Malformed OpenSSH private key",
    // measured: 24 of 6000): draw again until the key reads back.
    for (let attempt = 0; attempt < 20; attempt++) {
      const pair = utils.generateKeyPairSync('ed25519', { comment: `wbguard-sim ${node}` });
      if (!(utils.parseKey(pair.private) instanceof Error)) {
        writeFileSync(path, pair.private, { mode: 0o600 });
        writeFileSync(`${path}.pub`, `${pair.public}\n`, { mode: 0o644 });
        break;
      }
    }
  }
  chmodSync(path, 0o600);
  const privateKey = readFileSync(path, 'utf8');
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    throw new Error(`unreadable simulator host key [path:${path}]: ${parsed.message}`);
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  const blob = key.getPublicSSH();
  return {
    privateKey,
    publicLine: `${key.type} ${blob.toString('base64')}`,
    algorithm: key.type,
    fingerprint: fingerprintOf(blob),
  };
}
