/**
 * @module adapters/journal/jsonl-journal
 * The audit journal: one JSON object a line in `<state>/journal.jsonl`, appended and fsync'd before the call
 * returns, so an acknowledged entry survives a crash. Beside it, `webbridge_restart_logs.txt` keeps the exact line
 * shapes of Cisco's script (tech note 215662) so existing log watchers keep working. Neither ever holds a secret:
 * entries are built from numbers, names and command output only.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export type JournalKind = 'plan' | 'decision' | 'command' | 'output' | 'verification' | 'result' | 'trust';

export interface JournalEntry {
  readonly ts: string;
  /** Who or what triggered it: `cli:<user>`, `daemon:schedule`, … */
  readonly trigger: string;
  readonly kind: JournalKind;
  readonly cluster: string;
  readonly node?: string;
  readonly outcome?: string;
  readonly [key: string]: unknown;
}

function appendSynced(path: string, text: string): void {
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `2026-11-24 15:20:13.541788`, as Python's str(datetime.utcnow()) writes it in Cisco's script. */
export function ciscoTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

/** How far past the first entry older than asked `since` keeps reading (clock steps write out of order). */
const SINCE_SLACK_MS = 86_400_000;

export class JsonlJournal {
  readonly path: string;
  readonly humanLogPath: string;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.path = join(stateDir, 'journal.jsonl');
    this.humanLogPath = join(stateDir, 'webbridge_restart_logs.txt');
  }

  append(entry: JournalEntry): void {
    appendSynced(this.path, `${JSON.stringify(entry)}\n`);
  }

  /** Cisco-shaped line: success or failure of one restart. */
  logCisco(ms: number, node: string, ok: boolean, error?: string): void {
    const message = ok
      ? `Webbridge on server: ${node} restarted successfully`
      : `Failed to restart webbridge on server ${node}. Error: ${error ?? 'unknown'}`;
    appendSynced(this.humanLogPath, `${ciscoTimestamp(ms)} ${message}\n`);
  }

  entries(): JournalEntry[] {
    if (!existsSync(this.path)) {
      return [];
    }
    const out: JournalEntry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line) {
        continue;
      }
      try {
        out.push(JSON.parse(line) as JournalEntry);
      } catch {
        // a torn last line after a crash is skipped, never fatal
      }
    }
    return out;
  }

  /** The last `limit` entries, newest last, reading only the end of the file (it grows for years). */
  recent(limit: number): JournalEntry[] {
    if (!existsSync(this.path)) {
      return [];
    }
    const size = statSync(this.path).size;
    // Entries are a few hundred bytes to a few KB (a plan lists every node's guards).
    const want = Math.min(size, Math.max(64 * 1024, limit * 8 * 1024));
    const fd = openSync(this.path, 'r');
    let text: string;
    try {
      const buf = Buffer.alloc(want);
      readSync(fd, buf, 0, want, size - want);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
    const lines = text.split('\n');
    if (want < size) {
      lines.shift(); // the first line is cut
    }
    const out: JournalEntry[] = [];
    for (const line of lines) {
      if (!line) {
        continue;
      }
      try {
        out.push(JSON.parse(line) as JournalEntry);
      } catch {
        // a torn last line after a crash is skipped
      }
    }
    return out.slice(-limit);
  }

  /**
   * Entries stamped at or after `ms` (epoch), in file order, reading the file backwards in chunks only as far as
   * needed: the guards ask every evaluation about the last day, and the journal grows for years. A clock stepped
   * back writes entries out of order, so the read goes on a day past the first older entry before it stops.
   */
  since(ms: number): JournalEntry[] {
    const stopBefore = ms - SINCE_SLACK_MS;
    if (!existsSync(this.path)) {
      return [];
    }
    const chunk = 256 * 1024;
    const fd = openSync(this.path, 'r');
    const out: JournalEntry[] = [];
    try {
      let end = statSync(this.path).size;
      let carry = '';
      while (end > 0) {
        const start = Math.max(0, end - chunk);
        const buf = Buffer.alloc(end - start);
        readSync(fd, buf, 0, buf.length, start);
        const lines = (buf.toString('utf8') + carry).split('\n');
        // The first piece may be cut: it is completed by the next (earlier) chunk, unless this is the file's start.
        carry = start > 0 ? (lines.shift() ?? '') : '';
        let older = false;
        for (let i = lines.length - 1; i >= 0; i--) {
          const line = lines[i];
          if (!line) {
            continue;
          }
          let e: JournalEntry;
          try {
            e = JSON.parse(line) as JournalEntry;
          } catch {
            continue; // a torn line after a crash
          }
          const at = Date.parse(e.ts);
          if (at < stopBefore) {
            older = true;
            break;
          }
          if (at >= ms) {
            out.push(e);
          }
        }
        if (older) {
          break;
        }
        end = start;
      }
    } finally {
      closeSync(fd);
    }
    return out.reverse();
  }

  /** Restarts of `node` started (command sent) since the start of the UTC day of `now`. */
  restartsToday(cluster: string, node: string, now: number): number {
    const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
    return this.since(dayStart).filter(
      (e) => e.kind === 'command' && e.cluster === cluster && e.node === node && Date.parse(e.ts) >= dayStart,
    ).length;
  }
}
