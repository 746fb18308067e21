/**
 * @module adapters/journal/memory-journal
 * The journal in memory: the same rules as the JSONL file (ports/journal.ts, held to them by the one contract
 * suite), for tests and for the randomized model, where thousands of simulated days must run in seconds.
 */
import type { JournalEntry } from '../../core/journal/entries.js';
import type { RestartFact, RestartHistory } from '../../core/journal/folds.js';
import type { Journal } from '../../ports/journal.js';
import { factOf, PlanRepeatFilter } from './entry-facts.js';

export class MemoryJournal implements Journal {
  readonly #entries: JournalEntry[] = [];
  readonly #facts: RestartFact[] = [];
  readonly #plans = new PlanRepeatFilter();
  /** The Cisco-shaped lines, as the file beside the JSONL journal would hold them. */
  readonly ciscoLines: Array<{
    readonly ms: number;
    readonly node: string;
    readonly ok: boolean;
    readonly error?: string;
  }> = [];

  append(entry: JournalEntry): void {
    if (!this.#plans.admit(entry)) {
      return;
    }
    this.#entries.push(entry);
    const fact = factOf(entry);
    if (fact) {
      this.#facts.push(fact);
    }
  }

  logCisco(ms: number, node: string, ok: boolean, error?: string): void {
    this.ciscoLines.push({ ms, node, ok, ...(error !== undefined ? { error } : {}) });
  }

  /** Everything is at hand: the whole history, no checkpoint needed. */
  history(_sinceMs: number): RestartHistory {
    return { base: [], facts: [...this.#facts] };
  }

  recent(limit: number): JournalEntry[] {
    return limit > 0 ? this.#entries.slice(-limit) : [];
  }

  reopen(): void {}

  /** Every entry written, oldest first. */
  entries(): readonly JournalEntry[] {
    return this.#entries;
  }
}
