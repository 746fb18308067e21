/**
 * @module adapters/journal/memory-journal
 * The journal in memory: the same rules as the JSONL file (ports/journal.ts, held to them by the one contract
 * suite), for tests and for the randomized model, where thousands of simulated days must run in seconds.
 */
import type { JournalEntry } from '../../core/journal/entries.js';
import { applyFact, type NodeRestartState, type RestartHistory, stateKey } from '../../core/journal/folds.js';
import type { Journal } from '../../ports/journal.js';
import { factOf, PlanRepeatFilter } from './entry-facts.js';

export class MemoryJournal implements Journal {
  readonly #entries: JournalEntry[] = [];
  /** The folds' state, kept up to date at each entry: what a checkpoint of the file journal would carry. */
  readonly #states = new Map<string, NodeRestartState>();
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
      const k = stateKey(fact.cluster, fact.node);
      this.#states.set(k, applyFact(this.#states.get(k), fact));
    }
  }

  logCisco(ms: number, node: string, ok: boolean, error?: string): void {
    this.ciscoLines.push({ ms, node, ok, ...(error !== undefined ? { error } : {}) });
  }

  /** The state as of the last entry, as if a checkpoint had just been written: no fact left to fold. */
  history(_sinceMs: number): RestartHistory {
    return { base: [...this.#states.values()], facts: [] };
  }

  recent(limit: number): JournalEntry[] {
    return limit > 0 ? this.#entries.slice(-limit) : [];
  }

  /** Every entry written, oldest first. */
  entries(): readonly JournalEntry[] {
    return this.#entries;
  }
}
