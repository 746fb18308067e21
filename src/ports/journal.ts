/**
 * @module ports/journal
 * The restart journal, the audit trail of every plan, command and result. The guards read the restart history
 * through `history` and fold it with the pure functions of core/journal/folds.ts; every entry is built by one builder
 * per kind (core/journal/entries.ts). Implemented by the JSONL file (adapters/journal/jsonl-journal.ts) and in memory
 * (adapters/journal/memory-journal.ts); test/adapters/journal/contract.ts holds both to the same rules.
 */
import type { JournalEntry } from '../core/journal/entries.js';
import type { RestartHistory } from '../core/journal/folds.js';

export interface Journal {
  /**
   * Writes one entry, durable before it returns. A plan identical (same verdicts, see `planIdentity`) to the entry
   * written just before it for its cluster is not written again.
   */
  append(entry: JournalEntry): void;
  /** The Cisco-shaped line of one restart's success or failure (the log Cisco's script writes). */
  logCisco(ms: number, node: string, ok: boolean, error?: string): void;
  /**
   * The restart history with every fact stamped at or after `sinceMs` (epoch), and the state of everything before
   * it, at a cost that does not grow with the journal's age.
   */
  history(sinceMs: number): RestartHistory;
  /** The last `limit` entries, oldest first (the API's journal view). */
  recent(limit: number): JournalEntry[];
}
