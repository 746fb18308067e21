/**
 * @module core/packed-records
 * Records packed for a trip between threads: numbers in one Float64Array (transferred, not copied), host names once
 * per pack, and only the rare records' other fields (a Call Bridge's JSON, a restart's command and user) as objects.
 * Structured-cloning one object per record costs the sending and the receiving thread about as much as the work
 * handed over (measured: 125 ms per 180k records to deserialise). Used by analyze's scan workers
 * (adapters/logfiles/read-batches.ts) and the SQLite store's worker (adapters/store/sqlite-worker-protocol.ts).
 */
import type { CallBridgeStatsRecord, CmsRecord, MmpRestartRecord } from './model.js';

/** Numbers per record: kind, at, host index, then three kind-specific fields. */
const STRIDE = 6;

/** Bytes of numbers a packed record takes. */
export const PACKED_RECORD_BYTES = STRIDE * Float64Array.BYTES_PER_ELEMENT;
const KINDS = ['webbridge-stats', 'callbridge-stats', 'mmp-restart', 'join-refused'] as const;

type Extra = Pick<CallBridgeStatsRecord, 'raw'> | Pick<MmpRestartRecord, 'command' | 'user'>;

export interface PackedRecords {
  readonly numbers: Float64Array<ArrayBuffer>;
  readonly hosts: string[];
  /** Fields that are not numbers (a Call Bridge's JSON, a restart's command and user); records hold their index. */
  readonly extras: Extra[];
}

/** A Call Bridge record packed without its JSON (`packRecords(…, { raw: false })`) comes back with this. */
const NO_RAW: Readonly<Record<string, unknown>> = Object.freeze({});

export interface PackOptions {
  /**
   * Carry each Call Bridge record's whole STATS JSON (`raw`). @default true. analyze's analysis never reads it, and
   * cloning those objects from a scan worker to the main thread cost both threads time: it packs without them and
   * its records come back with an empty `raw`.
   */
  readonly raw?: boolean;
}

export function packRecords(records: readonly CmsRecord[], options: PackOptions = {}): PackedRecords {
  const builder = new PackedRecordsBuilder(options, records.length);
  for (const r of records) {
    builder.add(r);
  }
  return builder.take();
}

/**
 * An empty array for host names whose elements are already of V8's object kind: a new `[]` holds small integers,
 * and the first name pushed changed its kind inside the scan's optimised code, which V8 threw away and compiled
 * again for each batch (trace-deopt: "not a Smi", "wrong map").
 */
function hostArray(): string[] {
  const hosts = [''];
  hosts.length = 0;
  return hosts;
}

/** A pack's extras when it has none (most: Web Bridge Stats carry none): one array for all, never written to. */
const NO_EXTRAS: Extra[] = Object.freeze([]) as unknown as Extra[];

/**
 * Hosts past which a pack looks a host's index up in a map rather than its array: a source's lines name one host,
 * an archive's a few, and a map made for every batch of every source was most of what a batch cost to make beside
 * its numbers (100,000 small files: ~90 MB of short-lived objects in all, which V8 promoted and kept until a full
 * collection).
 */
const HOSTS_SEARCHED = 8;

/**
 * Memory for batches' numbers used again: a scan worker's batches are moved to the main thread, which hands each
 * buffer back once merged (app/analyze/scan-pool.ts). Without it every batch took new memory in the worker and left
 * it to the main thread's collector, which let it pile up (~430 MB of batches passed through analyze's main thread
 * for 892 MB of Stats lines, and RSS reached 184–248 MB in some runs).
 */
export interface SpareBuffers {
  /** A buffer of `bytes` bytes at least, if one is spare. */
  take(bytes: number): ArrayBuffer | undefined;
  /** A buffer no longer used by anyone, to use again. */
  give(buffer: ArrayBuffer): void;
}

/** All of a spare buffer as numbers (it may have room for more than asked). */
function wholeArray(buffer: ArrayBuffer): Float64Array<ArrayBuffer> {
  return new Float64Array(buffer, 0, Math.floor(buffer.byteLength / Float64Array.BYTES_PER_ELEMENT));
}

/** Records a batch's array first has room for (doubled as it fills, up to the builder's capacity, then beyond). */
const FIRST_RECORDS = 32;

/** A builder's array while it holds no record. */
const NO_NUMBERS = new Float64Array(0);

/**
 * Packs records as they come, into a growing array: a reader of log lines adds each Web Bridge Stats record by its
 * fields, so that no object is made for it on its way to another thread (analyze's scan workers).
 */
export class PackedRecordsBuilder {
  readonly #keepRaw: boolean;
  #initial: number;
  #numbers: Float64Array<ArrayBuffer>;
  #length = 0;
  #hosts = hostArray();
  /** Past HOSTS_SEARCHED hosts in this batch: their indexes. */
  #hostIndex: Map<string, number> | undefined;
  /** Made at the first record that has extras. */
  #extras: Extra[] | undefined;
  /** The last host added and its index: a source's lines repeat it. */
  #lastHost: string | undefined;
  #lastHostIndex = 0;
  /** Records in the last batch taken: the next batch's array starts at that size (see #slot). */
  #lastTaken = 0;
  readonly #spares: SpareBuffers | undefined;

  /** `spares`: where a batch's array is taken from, and an array outgrown or copied from is given back to. */
  constructor(options: PackOptions = {}, capacity = 64, spares?: SpareBuffers) {
    this.#keepRaw = options.raw ?? true;
    this.#initial = Math.max(1, capacity);
    this.#numbers = NO_NUMBERS;
    this.#spares = spares;
  }

  /**
   * Records a batch is expected to hold from now on (its array then starts at up to that size: see #slot), for a
   * reader whose batches are resized while it reads (app/analyze/held-at-once.ts).
   */
  expect(capacity: number): void {
    this.#initial = Math.max(1, capacity);
  }

  /** Records added since the last `take`. */
  get length(): number {
    return this.#length;
  }

  /** Records there is room for without growing (0 between batches: tests). */
  get capacity(): number {
    return this.#numbers.length / STRIDE;
  }

  addWebBridgeStats(host: string, at: number, active: number, connects: number, disconnects: number): void {
    const o = this.#slot(host, at);
    const numbers = this.#numbers;
    numbers[o] = 0;
    numbers[o + 3] = active;
    numbers[o + 4] = connects;
    numbers[o + 5] = disconnects;
  }

  /**
   * Record `i` of the pack `p`, added as it is (its host, and its extras, taken into this pack): how a merge into a
   * temporary file and a tar archive's sorted runs copy records from one pack to another.
   */
  addFrom(p: PackedRecords, i: number): void {
    visitPacked(p, i, this.#copyStats, this.#copyRecord);
  }

  /** addFrom's visitors, made once per builder. */
  readonly #copyStats: WebBridgeStatsVisitor = (host, at, active, connects, disconnects) =>
    this.addWebBridgeStats(host, at, active, connects, disconnects);
  readonly #copyRecord = (record: CmsRecord): void => this.add(record);

  add(r: CmsRecord): void {
    switch (r.kind) {
      case 'webbridge-stats':
        this.addWebBridgeStats(r.host, r.at, r.active, r.connects, r.disconnects);
        break;
      case 'callbridge-stats': {
        const o = this.#slot(r.host, r.at);
        this.#numbers[o] = 1;
        this.#numbers[o + 3] = r.cma;
        this.#numbers[o + 4] = r.cmaPeak;
        this.#numbers[o + 5] = this.#keepRaw ? this.#addExtra({ raw: r.raw }) : -1;
        break;
      }
      case 'mmp-restart': {
        const o = this.#slot(r.host, r.at);
        this.#numbers[o] = 2;
        this.#numbers[o + 3] = this.#addExtra({ command: r.command, user: r.user });
        // Every number written: an array used again holds an earlier batch's.
        this.#numbers[o + 4] = 0;
        this.#numbers[o + 5] = 0;
        break;
      }
      case 'join-refused': {
        // The slot first: it may grow the array.
        const o = this.#slot(r.host, r.at);
        this.#numbers[o] = 3;
        this.#numbers[o + 3] = 0;
        this.#numbers[o + 4] = 0;
        this.#numbers[o + 5] = 0;
        break;
      }
    }
  }

  /** The records added since the last call, packed; the builder starts again empty. */
  take(): PackedRecords {
    const n = this.#length * STRIDE;
    const whole = this.#numbers;
    // The array itself when the records fill half of it or more (no copy: a batch of record-dense input fills its
    // array); otherwise a copy of exactly the records, so that a small batch does not hold (nor move to another
    // thread) an array mostly empty: a merge holds a batch of each of thousands of sources.
    let numbers: Float64Array<ArrayBuffer>;
    if (n === 0) {
      // Its own, even empty: a pack's buffer may be moved to another thread (NO_NUMBERS is every builder's).
      numbers = new Float64Array(0);
    } else if (n * 2 >= whole.length) {
      numbers = n === whole.length ? whole : new Float64Array(whole.buffer, 0, n);
    } else {
      numbers = whole.slice(0, n);
      this.#spares?.give(whole.buffer);
    }
    const packed = { numbers, hosts: this.#hosts, extras: this.#extras ?? NO_EXTRAS };
    this.#lastTaken = this.#length;
    // Its array is let go and made again at the next record: every source of analyze's merge has a builder, which
    // waits empty between batches, and kept (grown by reads adding a few batches' worth) 4,000 sources held 6–12 KB
    // each for nothing.
    this.#numbers = NO_NUMBERS;
    this.#length = 0;
    this.#hosts = hostArray();
    this.#hostIndex = undefined;
    this.#extras = undefined;
    this.#lastHost = undefined;
    return packed;
  }

  /** Keeps a record's other fields with this batch: their index. */
  #addExtra(extra: Extra): number {
    this.#extras ??= [];
    return this.#extras.push(extra) - 1;
  }

  /** Room for one more record (its time and host written): the offset of its numbers. */
  #slot(host: string, at: number): number {
    let h: number;
    if (host === this.#lastHost) {
      h = this.#lastHostIndex;
    } else {
      h = this.#hostIndex ? (this.#hostIndex.get(host) ?? -1) : this.#hosts.indexOf(host);
      if (h === -1) {
        h = this.#hosts.push(host) - 1;
        if (this.#hostIndex) {
          this.#hostIndex.set(host, h);
        } else if (this.#hosts.length > HOSTS_SEARCHED) {
          this.#hostIndex = new Map(this.#hosts.map((name, i) => [name, i]));
        }
      }
      this.#lastHost = host;
      this.#lastHostIndex = h;
    }
    const o = this.#length * STRIDE;
    if (o + STRIDE > this.#numbers.length) {
      // A batch's array starts at FIRST_RECORDS records, not at its capacity: a small file's batch holds a few
      // records, and 100,000 such files each had an array of 512 made, zero-filled, for them (~4 µs a batch). Or at
      // the last batch's size, up to the capacity: record-dense input (every line a Stats line) fills every batch,
      // and grown from 32 records each batch's array was made, zero-filled and copied four times before its last
      // size (memset and memmove were 4 % of such a run).
      const old = this.#numbers;
      if (old.length === 0) {
        const first = Math.min(this.#initial, Math.max(FIRST_RECORDS, this.#lastTaken)) * STRIDE;
        const spare = this.#spares?.take(first * Float64Array.BYTES_PER_ELEMENT);
        this.#numbers = spare ? wholeArray(spare) : new Float64Array(first);
      } else {
        const spare = this.#spares?.take(old.byteLength * 2);
        const grown = spare ? wholeArray(spare) : new Float64Array(old.length * 2);
        grown.set(old);
        this.#numbers = grown;
        this.#spares?.give(old.buffer);
      }
    }
    this.#length++;
    this.#numbers[o + 1] = at;
    this.#numbers[o + 2] = h;
    return o;
  }
}

/** Records in the pack. */
export function packedLength(p: PackedRecords): number {
  return p.numbers.length / STRIDE;
}

/** The time of record `i`, read without making the record. */
export function packedAt(p: PackedRecords, i: number): number {
  return p.numbers[i * STRIDE + 1] as number;
}

/**
 * Record `i` as an object. Made one at a time when it is handed on, it dies young: made for a whole batch at once,
 * the batches waiting in analyze's merge lived long enough to be promoted, and garbage collection took a quarter of
 * the main thread.
 */
export function unpackRecord(p: PackedRecords, i: number): CmsRecord {
  const { numbers } = p;
  const o = i * STRIDE;
  const at = numbers[o + 1] as number;
  const host = p.hosts[numbers[o + 2] as number] as string;
  switch (KINDS[numbers[o] as number]) {
    case 'webbridge-stats':
      return {
        kind: 'webbridge-stats',
        at,
        host,
        active: numbers[o + 3] as number,
        connects: numbers[o + 4] as number,
        disconnects: numbers[o + 5] as number,
      };
    case 'callbridge-stats': {
      const extra = numbers[o + 5] as number;
      const raw = extra < 0 ? NO_RAW : (p.extras[extra] as Pick<CallBridgeStatsRecord, 'raw'>).raw;
      return {
        kind: 'callbridge-stats',
        at,
        host,
        cma: numbers[o + 3] as number,
        cmaPeak: numbers[o + 4] as number,
        raw,
      };
    }
    case 'mmp-restart': {
      const { command, user } = p.extras[numbers[o + 3] as number] as Pick<MmpRestartRecord, 'command' | 'user'>;
      return { kind: 'mmp-restart', at, host, command, user };
    }
    default:
      return { kind: 'join-refused', at, host };
  }
}

/** Receives a Web Bridge Stats record by its fields (see visitPacked). */
export type WebBridgeStatsVisitor = (
  host: string,
  at: number,
  active: number,
  connects: number,
  disconnects: number,
) => void;

/**
 * Hands record `i` on: a Web Bridge Stats record (nearly all of them) by its fields, with no object made; any other
 * as a record. analyze's merge hands on hundreds of thousands of records, and making each an object only for the
 * analysis to read its fields cost it time and garbage collections.
 */
export function visitPacked(
  p: PackedRecords,
  i: number,
  onWebBridgeStats: WebBridgeStatsVisitor,
  onRecord: (record: CmsRecord) => void,
): void {
  const { numbers } = p;
  const o = i * STRIDE;
  if (numbers[o] === 0) {
    onWebBridgeStats(
      p.hosts[numbers[o + 2] as number] as string,
      numbers[o + 1] as number,
      numbers[o + 3] as number,
      numbers[o + 4] as number,
      numbers[o + 5] as number,
    );
  } else {
    onRecord(unpackRecord(p, i));
  }
}

/** Every record of the pack, in order. */
export function unpackRecords(p: PackedRecords): CmsRecord[] {
  const n = packedLength(p);
  const out = new Array<CmsRecord>(n);
  for (let i = 0; i < n; i++) {
    out[i] = unpackRecord(p, i);
  }
  return out;
}
