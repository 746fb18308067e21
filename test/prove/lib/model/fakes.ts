/**
 * @module test/prove/lib/model/fakes
 * In-memory stand-ins for the daemon's store, journal and lock, with the same semantics as the real adapters
 * (sqlite-store, jsonl-journal, file-lock), so thousands of simulated days run in seconds. A process "dies" by
 * flipping its `alive` flag: what it wrote stays, what it held becomes stale, as after kill -9.
 */
import { MemoryJournal as InMemoryJournal } from '../../../../src/adapters/journal/memory-journal.js';
import type { JournalEntry } from '../../../../src/core/journal/entries.js';
import type { CmsRecord } from '../../../../src/core/model.js';
import type { LockHolder, RestartLock } from '../../../../src/ports/restart-lock.js';
import type { Store, StoredEvent } from '../../../../src/ports/store.js';

/** The part of the store (ports/store.ts) the model's guard uses. */
export class MemoryStore
  implements Pick<Store, 'appendRecords' | 'recordsSince' | 'appendEvent' | 'events' | 'prune' | 'close'>
{
  records: CmsRecord[] = [];
  eventCount = 0;
  appendRecords(records: readonly CmsRecord[]): void {
    this.records.push(...records);
  }
  recordsSince(at: number): CmsRecord[] {
    return this.records.filter((r) => r.at >= at);
  }
  appendEvent(): number {
    return ++this.eventCount;
  }
  events(): StoredEvent[] {
    return [];
  }
  prune(before: number): number {
    // Records arrive in time order here, so the old ones are a prefix.
    let i = 0;
    while (i < this.records.length && (this.records[i] as CmsRecord).at < before) {
      i++;
    }
    this.records.splice(0, i);
    return i;
  }
  close(): void {}
}

/**
 * The in-memory journal of src (held to the JSONL journal's rules by test/adapters/journal's contract suite), with
 * plan entries counted but not kept: the daemon writes one per changed plan, and keeping them would only slow the
 * model, never change a count the guards read (they read `command` and `result` entries).
 */
export class MemoryJournal extends InMemoryJournal {
  readonly kept: JournalEntry[] = [];
  readonly counts = new Map<string, number>();
  override append(entry: JournalEntry): void {
    this.counts.set(entry.kind, (this.counts.get(entry.kind) ?? 0) + 1);
    if (entry.kind !== 'plan') {
      this.kept.push(entry);
      super.append(entry);
    }
  }
}

/** A process of wbguard, alive until the model kills it. */
export interface ModelProcess {
  readonly id: number;
  alive: boolean;
}

/** FileRestartLock's rules: one holder per cluster; a holder whose process is gone, or older than maxAgeMs, is stale. */
export class ModelLock implements RestartLock {
  #held: { holder: LockHolder; process: ModelProcess } | undefined;
  readonly #maxAgeMs: number;
  #current: ModelProcess;
  constructor(process: ModelProcess, maxAgeMs = 2 * 3_600_000) {
    this.#current = process;
    this.#maxAgeMs = maxAgeMs;
  }
  /** The lock as seen by a new process of wbguard (the file stays; the holder's pid may be gone). */
  useProcess(p: ModelProcess): void {
    this.#current = p;
  }
  holder(_cluster: string, now: number): LockHolder | undefined {
    const h = this.#held;
    if (!h) {
      return undefined;
    }
    const stale = !h.process.alive || now - Date.parse(h.holder.since) > this.#maxAgeMs;
    return stale ? undefined : h.holder;
  }
  tryAcquire(
    cluster: string,
    node: string,
    now: number,
  ): { ok: true; release: () => void } | { ok: false; holder: LockHolder } {
    return this.#acquireAs(this.#current, cluster, node, now);
  }
  /** The same lock file as another process sees and takes it (a `wbguard restart` beside the daemon). */
  forProcess(p: ModelProcess): RestartLock {
    return {
      holder: (cluster, now) => this.holder(cluster, now),
      tryAcquire: (cluster, node, now) => this.#acquireAs(p, cluster, node, now),
    };
  }
  #acquireAs(
    p: ModelProcess,
    cluster: string,
    node: string,
    now: number,
  ): { ok: true; release: () => void } | { ok: false; holder: LockHolder } {
    const existing = this.holder(cluster, now);
    if (existing) {
      return { ok: false, holder: existing };
    }
    const holder: LockHolder = { pid: p.id, host: 'model', node, since: new Date(now).toISOString() };
    const mine = { holder, process: p };
    this.#held = mine;
    return {
      ok: true,
      release: () => {
        if (this.#held === mine) {
          this.#held = undefined;
        }
      },
    };
  }
}
