/**
 * @module adapters/lock/file-lock
 * One restart at a time per cluster, across processes on this host: a lock file created with O_EXCL in the state
 * folder, holding who took it. A lock whose process is gone, or older than `maxAgeMs`, is stale and taken over
 * (and said so). A store-based lock for several hosts comes with the daemon (same port: ports/restart-lock.ts).
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { LockHolder, RestartLock } from '../../ports/restart-lock.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FileRestartLock implements RestartLock {
  readonly #dir: string;
  readonly #maxAgeMs: number;

  constructor(stateDir: string, maxAgeMs = 2 * 3_600_000) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.#dir = stateDir;
    this.#maxAgeMs = maxAgeMs;
  }

  #path(cluster: string): string {
    return join(this.#dir, `restart-${cluster}.lock`);
  }

  holder(cluster: string, now: number): LockHolder | undefined {
    let held: LockHolder;
    try {
      held = JSON.parse(readFileSync(this.#path(cluster), 'utf8')) as LockHolder;
    } catch {
      return undefined;
    }
    const stale = (held.host === hostname() && !alive(held.pid)) || now - Date.parse(held.since) > this.#maxAgeMs;
    return stale ? undefined : held;
  }

  tryAcquire(
    cluster: string,
    node: string,
    now: number,
  ): { ok: true; release: () => void } | { ok: false; holder: LockHolder } {
    const path = this.#path(cluster);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        const me: LockHolder = { pid: process.pid, host: hostname(), node, since: new Date(now).toISOString() };
        writeSync(fd, JSON.stringify(me));
        closeSync(fd);
        return {
          ok: true,
          release: () => {
            try {
              const cur = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
              if (cur.pid === me.pid && cur.since === me.since) {
                rmSync(path, { force: true });
              }
            } catch {
              // already gone
            }
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw err;
        }
        const holder = this.holder(cluster, now);
        if (holder) {
          return { ok: false, holder };
        }
        rmSync(path, { force: true }); // stale: its process is gone
      }
    }
    return { ok: false, holder: { pid: -1, host: 'unknown', node: 'unknown', since: new Date(now).toISOString() } };
  }
}
