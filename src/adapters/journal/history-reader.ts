/**
 * @module adapters/journal/history-reader
 * The restart history read from the journal's files, backwards from the end and only as far as the newest checkpoint
 * that remembers back to the instant asked: what it costs depends on the checkpoint interval, not on the journal's age.
 */
import type { JournalEntry } from '../../core/journal/entries.js';
import {
  EMPTY_HISTORY,
  type NodeRestartState,
  RECENT_COMMANDS_MS,
  type RestartFact,
  type RestartHistory,
} from '../../core/journal/folds.js';
import { checkpointStates, factOf, parseEntry } from './entry-facts.js';
import { journalFiles, linesBackwards } from './journal-files.js';

export interface HistoryRead {
  readonly history: RestartHistory;
  /** False when no checkpoint was found: the whole journal was read. */
  readonly fromCheckpoint: boolean;
  /** The newest entry's time seen (epoch ms; 0 when none). */
  readonly newestAt: number;
}

/**
 * Reads `path` and its rotated files backwards to the newest checkpoint that remembers back to `sinceMs` (every one
 * written in the last two days does): its state is the base, the facts after it are folded on top. `endOfLive`
 * stops the live file there (a checkpoint being written describes the file up to its own start).
 */
export function readHistory(
  path: string,
  counter: { bytes: number },
  sinceMs: number,
  endOfLive?: number,
): HistoryRead {
  const newestFirst: RestartFact[] = [];
  let base: NodeRestartState[] = [];
  let newestAt = 0;
  // Once a checkpoint is chosen: the lines at or after its `upTo` (written while it was being made) still count.
  let floor: { file: number; offset: number } | undefined;
  // The oldest checkpoint passed over, and how many facts were read after it.
  let oldest: { entry: JournalEntry; facts: number; first: boolean } | undefined;
  const files = journalFiles(path);
  for (const l of linesBackwards(files, counter, files[0] === path ? endOfLive : undefined)) {
    if (floor && (l.file !== floor.file || l.offset < floor.offset)) {
      break;
    }
    const e = parseEntry(l.line);
    if (!e) {
      continue; // a torn line after a crash
    }
    const at = Date.parse(e.ts);
    newestAt = Math.max(newestAt, Number.isNaN(at) ? 0 : at);
    if (e.kind === 'checkpoint') {
      if (!floor && at - RECENT_COMMANDS_MS <= sinceMs) {
        base = checkpointStates(e);
        floor = { file: l.file, offset: typeof e.upTo === 'number' && e.upTo <= l.offset ? e.upTo : l.offset };
      } else if (!floor) {
        oldest = { entry: e, facts: newestFirst.length, first: l.file === files.length - 1 && l.offset === 0 };
      }
      continue;
    }
    const fact = factOf(e, at);
    if (fact) {
      newestFirst.push(fact);
    }
  }
  if (!floor && oldest?.first) {
    // The kept files span less than asked (the older ones were deleted): the checkpoint at the head of the oldest
    // file left carries what came before it. Without one there, the files hold the whole history.
    base = checkpointStates(oldest.entry);
    newestFirst.length = oldest.facts;
  }
  const history =
    newestFirst.length === 0 && base.length === 0 ? EMPTY_HISTORY : { base, facts: newestFirst.reverse() };
  return { history, fromCheckpoint: floor !== undefined || oldest?.first === true, newestAt };
}

/** Offset of the newest checkpoint line in the first `size` bytes of `path`, or -1. */
export function newestCheckpointOffset(path: string, counter: { bytes: number }, size: number): number {
  for (const l of linesBackwards([path], counter, size)) {
    if (l.line.includes('"kind":"checkpoint"') && parseEntry(l.line)?.kind === 'checkpoint') {
      return l.offset;
    }
  }
  return -1;
}
