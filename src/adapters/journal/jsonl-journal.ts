/**
 * @module adapters/journal/jsonl-journal
 * The audit journal: one JSON object a line in `<state>/journal.jsonl`, appended and fsync'd before the call
 * returns, so an acknowledged entry survives a crash. Beside it, `webbridge_restart_logs.txt` keeps the exact line
 * shapes of Cisco's script (tech note 215662) so existing log watchers keep working. Neither ever holds a secret:
 * entries are built from numbers, names and command output only.
 *
 * Bounded (docs/journal.md): an unchanged plan is written once; the file rotates by size or age (`journal.jsonl.1`,
 * …), or is moved by logrotate; the file is opened for each entry, so the next entry after a move starts the new
 * file. Every `checkpointEveryBytes` and at the head of each new file a `checkpoint` entry carries the folds' state,
 * so reading the restart history goes back only to the newest checkpoint, whatever the age of the journal.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointEntry, type JournalEntry } from '../../core/journal/entries.js';
import { nodeStates, type RestartHistory } from '../../core/journal/folds.js';
import type { Journal } from '../../ports/journal.js';
import { PlanRepeatFilter, parseEntry } from './entry-facts.js';
import { newestCheckpointOffset, readHistory } from './history-reader.js';
import { firstLine, journalFiles, linesBackwards, rotateFiles } from './journal-files.js';

export type { JournalEntry, JournalKind } from '../../core/journal/entries.js';

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

export interface JournalFileOptions {
  /** Rotate before an entry would take the file past this size (bytes); 0: never by size. */
  readonly maxBytes?: number;
  /** Rotate when the file's first entry is this much older than the entry being written (ms); 0: never by age. */
  readonly maxAgeMs?: number;
  /** Rotated files kept (`journal.jsonl.1` … `.keep`); older ones are deleted. */
  readonly keep?: number;
  /** A checkpoint entry at least every this many bytes of entries. */
  readonly checkpointEveryBytes?: number;
}

/** What this process knows of the live file; forgotten when the file is replaced (rotated, moved, truncated). */
interface LiveFile {
  readonly ino: number;
  /** Offset of the newest checkpoint line, or -1 when the file has none. */
  checkpointAt: number;
  /** Time of the file's first entry (epoch ms), for rotation by age. */
  firstAt: number | undefined;
}

export class JsonlJournal implements Journal {
  readonly path: string;
  readonly humanLogPath: string;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #keep: number;
  readonly #checkpointEvery: number;
  readonly #plans = new PlanRepeatFilter();
  #live: LiveFile | undefined;
  /** Bytes this journal read from disk so far (tests bound what a fold costs). */
  readonly reads = { bytes: 0 };

  constructor(stateDir: string, options: JournalFileOptions = {}) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.path = join(stateDir, 'journal.jsonl');
    this.humanLogPath = join(stateDir, 'webbridge_restart_logs.txt');
    this.#maxBytes = options.maxBytes ?? 0;
    this.#maxAgeMs = options.maxAgeMs ?? 0;
    this.#keep = options.keep ?? 10;
    this.#checkpointEvery = options.checkpointEveryBytes ?? 256 * 1024;
  }

  append(entry: JournalEntry): void {
    if (!this.#plans.admit(entry)) {
      return;
    }
    const text = `${JSON.stringify(entry)}\n`;
    const at = Date.parse(entry.ts);
    this.#rotateIfDue(Buffer.byteLength(text), at);
    this.#checkpointIfDue(Number.isNaN(at) ? 0 : at);
    appendSynced(this.path, this.#endsTorn() ? `\n${text}` : text);
  }

  /** Cisco-shaped line: success or failure of one restart. */
  logCisco(ms: number, node: string, ok: boolean, error?: string): void {
    const message = ok
      ? `Webbridge on server: ${node} restarted successfully`
      : `Failed to restart webbridge on server ${node}. Error: ${error ?? 'unknown'}`;
    appendSynced(this.humanLogPath, `${ciscoTimestamp(ms)} ${message}\n`);
  }

  history(sinceMs: number): RestartHistory {
    let size: number | undefined;
    try {
      size = statSync(this.path).size;
    } catch {
      size = undefined; // no live file: the rotated ones, if any, are read
    }
    const before = this.reads.bytes;
    const read = readHistory(this.path, this.reads, sinceMs, size);
    // A journal written before checkpoints existed is read whole once; a checkpoint at its end spares the next reads.
    if (!read.fromCheckpoint && size !== undefined && this.reads.bytes - before >= this.#checkpointEvery) {
      this.#writeCheckpoint(read.newestAt, size, read.history);
    }
    return read.history;
  }

  /** Every entry, oldest first, across the rotated files (checkpoints left out): a full read, for exports and tests. */
  entries(): JournalEntry[] {
    return this.#newest(Number.POSITIVE_INFINITY).reverse();
  }

  /** The last `limit` entries (checkpoints left out), oldest first, across rotated files. */
  recent(limit: number): JournalEntry[] {
    return this.#newest(limit).reverse();
  }

  #newest(limit: number): JournalEntry[] {
    const out: JournalEntry[] = [];
    if (limit <= 0) {
      return out;
    }
    for (const { line } of linesBackwards(journalFiles(this.path), this.reads)) {
      const e = parseEntry(line);
      if (e && e.kind !== 'checkpoint') {
        out.push(e);
        if (out.length >= limit) {
          break;
        }
      }
    }
    return out;
  }

  /** The live file ends in the middle of a line (a crash mid-write): the next entry must not be glued to it. */
  #endsTorn(): boolean {
    const size = this.#liveFile()?.size ?? 0;
    if (size === 0) {
      return false;
    }
    const fd = openSync(this.path, 'r');
    try {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      this.reads.bytes += 1;
      return last[0] !== 0x0a;
    } finally {
      closeSync(fd);
    }
  }

  /** The live file as this process knows it, refreshed when it was replaced; undefined when there is none. */
  #liveFile(): (LiveFile & { size: number }) | undefined {
    let st: { ino: number; size: number };
    try {
      st = statSync(this.path);
    } catch {
      this.#live = undefined;
      return undefined;
    }
    if (!this.#live || this.#live.ino !== st.ino || st.size < Math.max(0, this.#live.checkpointAt)) {
      this.#live = {
        ino: st.ino,
        checkpointAt: newestCheckpointOffset(this.path, this.reads, st.size),
        firstAt: undefined,
      };
    }
    return Object.assign(this.#live, { size: st.size });
  }

  #rotateIfDue(bytes: number, at: number): void {
    const live = this.#liveFile();
    if (!live || live.size === 0 || (this.#maxBytes <= 0 && this.#maxAgeMs <= 0)) {
      return;
    }
    const bySize = this.#maxBytes > 0 && live.size + bytes > this.#maxBytes;
    if (!bySize && this.#maxAgeMs > 0 && live.firstAt === undefined) {
      const first = firstLine(this.path, this.reads);
      live.firstAt = first ? Date.parse(parseEntry(first)?.ts ?? '') : Number.NaN;
    }
    const byAge = this.#maxAgeMs > 0 && !Number.isNaN(at) && at - (live.firstAt ?? Number.NaN) >= this.#maxAgeMs;
    if (bySize || byAge) {
      rotateFiles(this.path, this.#keep);
      this.#live = undefined;
    }
  }

  /**
   * A checkpoint at the head of a file that has older files behind it, and every `checkpointEveryBytes`: it carries
   * the state of every restart so far, the open ones included, even once the file of their command is deleted.
   */
  #checkpointIfDue(at: number): void {
    const live = this.#liveFile();
    const size = live?.size ?? 0;
    const due =
      size === 0
        ? journalFiles(this.path).some((p) => p !== this.path)
        : size - Math.max(0, live?.checkpointAt ?? -1) >= this.#checkpointEvery;
    if (due) {
      this.#writeCheckpoint(at, size, readHistory(this.path, this.reads, Number.POSITIVE_INFINITY, size).history);
    }
  }

  /** Appends the checkpoint of `history`, the state of the live file's first `upTo` bytes. */
  #writeCheckpoint(at: number, upTo: number, history: RestartHistory): void {
    appendSynced(this.path, `${JSON.stringify(checkpointEntry(at, upTo, nodeStates(history)))}\n`);
    const live = this.#liveFile();
    if (live) {
      live.checkpointAt = upTo;
    }
  }
}
