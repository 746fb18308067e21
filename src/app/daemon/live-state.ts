/**
 * @module app/daemon/live-state
 * The daemon's live picture: syslog messages are parsed, stored (batched, committed before acknowledged) and fed to
 * the live analysis (one per cluster: app/daemon/cluster-analyzers.ts); listeners may subscribe to records
 * (restart verification waits for fresh Stats lines).
 */

import type { AnalysisReport, CmsRecord, LineCounts } from '../../core/model.js';
import { createLineReader, DEFAULT_JOIN_REFUSAL, type JoinRefusal, type LineReader } from '../../core/parse/index.js';
import type { AsyncStore } from '../../ports/async-store.js';
import type { LiveAnalyzer } from './cluster-analyzers.js';

/**
 * Records held in memory while the store refuses them, at most: beyond, the oldest are let go (counted in
 * `lostWhileStoreDown`, logged by the caller). CMS sends a few lines a minute per node, so this is days of a
 * cluster's Stats; only a flood while the store is down reaches it. About 100 MB.
 */
export const MAX_HELD_BACK = 500_000;

/** What a LiveState may be given besides its store, analyzer, known hosts and clock. */
export interface LiveStateOptions {
  /** Told when a commit to the store fails (its records are held back, up to a bound, for the next commit). */
  readonly onCommitError?: (err: Error) => void;
  /** How a join refusal is recognised (`analysis.joinRefusedPatterns`, `…Levels`). @default the assumed wording */
  readonly joinRefusal?: JoinRefusal;
}

export class LiveState<A extends LiveAnalyzer = LiveAnalyzer> {
  readonly analyzer: A;
  readonly lines: LineCounts = { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 };
  /** Senders seen that are not configured nodes: shown, not dropped. */
  readonly unknownHosts = new Map<string, number>();
  readonly #known: ReadonlySet<string>;
  readonly #store: AsyncStore;
  #pending: CmsRecord[] = [];
  /** Records let go because more than MAX_HELD_BACK waited for a store that refused them. */
  lostWhileStoreDown = 0;
  /** Commits in order, one at a time: a batch waits for the one before it. */
  #commits: Promise<void> = Promise.resolve();
  #onCommitError: ((err: Error) => void) | undefined;
  #reader: LineReader;
  /** How a join refusal is recognised (`analysis.joinRefused*`): the listeners feeding this state read by it too. */
  readonly joinRefusal: JoinRefusal;
  #readerYear = Number.NaN;
  #yearStart = 0;
  #nextYearStart = 0;
  readonly #listeners = new Set<(r: CmsRecord) => void>();
  /** Records received and not yet committed (pending, or in a commit not yet answered). */
  #uncommitted = 0;
  #backlog: { readonly limit: number; readonly fn: (over: boolean) => void; over: boolean } | undefined;

  constructor(
    store: AsyncStore,
    analyzer: A,
    knownHosts: ReadonlySet<string>,
    now: number,
    options: LiveStateOptions = {},
  ) {
    this.#onCommitError = options.onCommitError;
    this.joinRefusal = options.joinRefusal ?? DEFAULT_JOIN_REFUSAL;
    this.analyzer = analyzer;
    this.#store = store;
    this.#known = knownHosts;
    this.#reader = this.#setYear(now);
  }

  #setYear(now: number): LineReader {
    const year = new Date(now).getUTCFullYear();
    this.#yearStart = Date.UTC(year, 0, 1);
    this.#nextYearStart = Date.UTC(year + 1, 0, 1);
    if (year !== this.#readerYear) {
      this.#readerYear = year;
      this.#reader = createLineReader({
        year,
        referenceMonth: new Date(now).getUTCMonth() + 1,
        joinRefusal: this.joinRefusal,
      });
    }
    return this.#reader;
  }

  ingest(message: string, now: number): void {
    this.#yearAt(now);
    this.lines.read++;
    const out = this.#reader.read(message);
    if (out.kind === 'malformed') {
      this.lines.malformed++;
      return;
    }
    if (out.kind === 'record') {
      this.#accept(out.record);
    }
  }

  /**
   * A Web Bridge Stats line in `bytes[start, end)` (no `<PRI>`) read straight from its bytes (core/parse/stats-bytes.ts,
   * exactly what `ingest` gives for it); false, with nothing counted, when it has another shape and must go to
   * `ingest` as text. No string is made: this is most of what a busy receiver reads that matters.
   */
  ingestStatsBytes(bytes: Uint8Array, start: number, end: number, now: number): boolean {
    this.#yearAt(now);
    const r = this.#reader.readWebBridgeStats(bytes, start, end);
    if (r === undefined) {
      return false;
    }
    this.lines.read++;
    this.#accept(r);
    return true;
  }

  /**
   * Lines read and not parsed: the receiver saw on their bytes that they hold none of the candidate substrings
   * (core/parse RECORD_SUBSTRINGS; or only a level word, without a refusal's wording nor `Stats`:
   * app/daemon/syslog-ingest.ts) and that their envelope is readable (core/parse/envelope-bytes.ts), so `ingest`
   * would have made nothing of them: they are counted as read, as it would have.
   */
  countUnparsed(n: number): void {
    this.lines.read += n;
  }

  #yearAt(now: number): void {
    // The year only changes at its bounds: no Date made per message.
    if (now < this.#yearStart || now >= this.#nextYearStart) {
      this.#setYear(now);
    }
  }

  #accept(r: CmsRecord): void {
    if (this.#known.size > 0 && !this.#known.has(r.host)) {
      this.unknownHosts.set(r.host, (this.unknownHosts.get(r.host) ?? 0) + 1);
    }
    if (r.kind === 'webbridge-stats') {
      this.lines.webbridgeStats++;
    } else if (r.kind === 'callbridge-stats') {
      this.lines.callbridgeStats++;
    }
    this.#pending.push(r);
    this.#uncommitted++;
    const b = this.#backlog;
    if (b && !b.over && this.#uncommitted >= b.limit) {
      b.over = true;
      b.fn(true);
    }
    this.analyzer.add(r);
    for (const l of this.#listeners) {
      l(r);
    }
  }

  /**
   * Commits buffered records to the store; resolves when they (and every batch before them) are committed. A batch
   * the store refuses (PostgreSQL unreachable) goes back to the front of the queue and is tried again at the next
   * flush: nothing received is dropped while the store is away.
   */
  flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) {
      return this.#commits;
    }
    this.#commits = this.#commits.then(async () => {
      try {
        await this.#store.appendRecords(batch);
        this.#uncommitted -= batch.length;
        const b = this.#backlog;
        if (b?.over && this.#uncommitted <= b.limit / 2) {
          b.over = false;
          b.fn(false);
        }
      } catch (err) {
        this.#pending = [...batch, ...this.#pending];
        const over = this.#pending.length - MAX_HELD_BACK;
        if (over > 0) {
          this.#pending.splice(0, over);
          this.lostWhileStoreDown += over;
          this.#uncommitted -= over;
        }
        this.#onCommitError?.(err as Error);
      }
    });
    return this.#commits;
  }

  /** Records received and not yet committed (held back while the store refuses them). */
  get heldBack(): number {
    return this.#pending.length;
  }

  /** Records received and not yet committed. */
  get uncommitted(): number {
    return this.#uncommitted;
  }

  /**
   * Calls `fn(true)` when `limit` records wait for their commit and `fn(false)` once they are down to half of it: the
   * daemon stops reading stream sockets in between, so a store slower than the senders pushes back on them (TCP
   * flow control) instead of growing memory. The store works in its own thread, so reading would otherwise run ahead.
   */
  onBacklog(limit: number, fn: (over: boolean) => void): void {
    this.#backlog = { limit, fn, over: false };
  }

  subscribe(listener: (r: CmsRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  report(now: number): AnalysisReport {
    return this.analyzer.report(this.lines, now);
  }
}
