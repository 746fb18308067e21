/**
 * @module adapters/logfiles/stream-input
 * The decoded bytes of a stream source (a `.gz` file, or stdin), chunk by chunk, with a way to let the stream go
 * between reads and take it up again where it was.
 *
 * Why: analyze's merge holds every source open until it ends, and a compressed one holds a file descriptor, the
 * inflater's state and window, and a read and an inflated buffer or two (~400 KB at 64 KiB chunks): 1,000 `.gz`
 * files (a year of rotated logs of three nodes) took analyze to 500 MB of RSS. Rotated pieces do not overlap in
 * time, so the merge needs only their first records until it reaches each. `release` lets the stream go after a
 * source's first batch; the next chunk asked for opens it again and inflates from the start, skipping the bytes
 * already handed on (a few tens of KB: what the first batch was read from).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type FileIdentity, openSameFile } from './open-files.js';
import { PeakCount } from './peak-count.js';
import { Slots } from './slots.js';
import type { LogSource } from './sources.js';

export interface StreamInputOptions {
  /** Bytes read and inflated at a time (at most probeChunkBytes while probed: see `probe`). */
  readonly chunkBytes: number;
  /** Where stdin comes from. @default process.stdin */
  readonly stdin?: Readable;
  /** Called with the count of the source's own bytes (compressed ones for `.gz`) as they are first read. */
  readonly onRaw: (bytes: number) => void;
  /**
   * The stream will be let go after the first batch (`release`), or read to its end at once: it is first opened
   * only when one of this thread's PROBES_AT_ONCE slots is free, and gives it back when let go or closed.
   */
  readonly probe?: boolean;
  /** Bytes inflated at a time until the stream is first let go (see PROBE_CHUNK_BYTES). @default chunkBytes */
  readonly probeChunkBytes?: number;
}

/**
 * Decoded bytes a stream to be let go inflates at a time while probed for its first batch (read-batches.ts passes
 * it as probeChunkBytes), when its chunk is larger. A first batch is cut at the source's first records and the
 * stream let go, so what its first chunk held past them is inflated again when the merge reaches the source: with
 * 256 KiB chunks, 1,000 rotated `.gz` pieces (let go then: now, under 1 MiB, they are read to their end at once)
 * inflated a sixth of their bytes twice. Its later chunks are its own size: each chunk costs the thread ~50 µs of
 * JavaScript (the stream's) and a turn of libuv's thread pool, and with 64 KiB chunks those pieces took 7.2 s
 * against 5.5 s with 170 KiB (worker-protocol.ts streamsReadAtOnce; medians of 3 alternated runs, the same output).
 */
export const PROBE_CHUNK_BYTES = 64 << 10;

/**
 * Streams of this thread that may be open at once to read a first batch before being let go (see `probe`): with
 * every source opened at once, the start alone held them all (1,000 `.gz` files: 340 MB of RSS with each let go
 * after its first batch). Streams the merge has reached are not counted: it may need all of them at once (files
 * spanning the same time), and waiting for a slot there could wait for ever.
 */
export const PROBES_AT_ONCE = 8;
const probeSlots = new Slots(PROBES_AT_ONCE);

/**
 * Streams of this thread taken up again after a release (the merge reached their source) that may stay open while
 * the merge goes through them. Rotated pieces are taken up one after another (a few at once: one per node); files
 * spanning the same time are all taken up at once, and each held ~280 KB (1,000 `.gz` files: ~400 MB of RSS). Past
 * this many, a source taken up is read to its end at once, its records kept in a temporary file (read-batches.ts,
 * record-spill.ts), its stream let go.
 */
export const STREAMS_HELD_AT_ONCE = 16;
const heldSlots = new Slots(STREAMS_HELD_AT_ONCE);

const streamsOpen = new PeakCount();

/** Streams of this thread open now, and the most open at once since the last call (tests). */
export function streamsOpenInThread(): { now: number; most: number } {
  return streamsOpen.read();
}

export class StreamInput {
  readonly #source: LogSource;
  readonly #options: StreamInputOptions;
  #raw: Readable | undefined;
  #decoded: Readable | undefined;
  #chunks: AsyncIterator<Buffer> | undefined;
  /** Decoded bytes handed on since the start: skipped when the stream is opened again. */
  #handedOn = 0;
  #skip = 0;
  /** The source's own bytes reported to onRaw. */
  #rawReported = 0;
  /** Which file the source was when first opened. */
  #identity: FileIdentity | undefined;
  /** The slot it holds, given back when it is let go or closed: a probe slot, or one of the held streams'. */
  #slot: Slots | undefined;
  /** Has been opened once. */
  #opened = false;

  constructor(source: LogSource, options: StreamInputOptions) {
    this.#source = source;
    this.#options = options;
  }

  /** Whether `release` can let the stream go (stdin cannot be read again). */
  get releasable(): boolean {
    return this.#source.kind !== 'stdin';
  }

  /** The next decoded chunk, or undefined at the end. Rejects with the stream's error. */
  async next(): Promise<Buffer | undefined> {
    if (!this.#chunks) {
      const probing = !this.#opened && this.#options.probe === true && this.releasable;
      if (probing) {
        await probeSlots.take();
        this.#slot = probeSlots;
      }
      this.#opened = true;
      const { chunkBytes, probeChunkBytes = chunkBytes } = this.#options;
      this.#open(probing ? Math.min(probeChunkBytes, chunkBytes) : chunkBytes);
    }
    const chunks = this.#chunks as AsyncIterator<Buffer>;
    for (;;) {
      const r = await chunks.next();
      if (r.done) {
        return undefined;
      }
      let chunk = r.value;
      if (this.#skip > 0) {
        if (chunk.length <= this.#skip) {
          this.#skip -= chunk.length;
          continue;
        }
        chunk = chunk.subarray(this.#skip);
        this.#skip = 0;
      }
      this.#handedOn += chunk.length;
      return chunk;
    }
  }

  /**
   * Takes a released stream up again: answers 'hold' when it may stay open while the merge goes through it, or
   * 'drain' when this thread holds STREAMS_HELD_AT_ONCE already: the caller must then read it to its end at once
   * (it waits for a probe slot first: drains, like first batches, end without the merge, so at most PROBES_AT_ONCE
   * run at once). Either way the count or the slot is given back when the stream is closed.
   */
  async takeUp(): Promise<'hold' | 'drain'> {
    if (this.#slot === undefined) {
      if (heldSlots.tryTake()) {
        this.#slot = heldSlots;
      } else {
        await probeSlots.take();
        this.#slot = probeSlots;
      }
    }
    return this.#slot === heldSlots ? 'hold' : 'drain';
  }

  /**
   * Lets the stream go, with its descriptor and buffers, `unused` bytes of the last chunk handed on not taken: the
   * next `next` opens it again and skips what was taken.
   */
  release(unused = 0): void {
    if (!this.releasable || !this.#chunks) {
      return;
    }
    this.#handedOn -= unused;
    this.#skip = this.#handedOn;
    this.close();
  }

  /** Stops reading (the source is done with, or failed). */
  close(): void {
    if (this.#raw) {
      streamsOpen.down();
    }
    this.#decoded?.destroy();
    this.#raw?.destroy();
    // Nothing of the stream kept: a source done with is held by the merge until every source is (each kept its
    // inflater's 64 KiB output buffer: 3,000 rotated pieces, 317 MB of RSS).
    this.#chunks = undefined;
    this.#decoded = undefined;
    this.#raw = undefined;
    this.#giveBackSlot();
  }

  #giveBackSlot(): void {
    this.#slot?.give();
    this.#slot = undefined;
  }

  /**
   * The source's file, checked to be the one first opened (open-files.ts): opened again after a release, a file
   * rotated meanwhile would otherwise be inflated from the start of another and skipped into its middle.
   */
  #openFile(): number {
    const { fd, identity } = openSameFile(this.#source.path, this.#identity);
    this.#identity = identity;
    return fd;
  }

  #open(chunkBytes: number): void {
    const source = this.#source;
    // Compressed bytes are read a quarter of the inflated chunk at a time (they inflate several times over): the
    // read-ahead of each stream holds less (1,000 .gz files read at once: 390 MB of RSS against 481 MB, no slower).
    const raw: Readable =
      source.kind === 'stdin'
        ? (this.#options.stdin ?? process.stdin)
        : createReadStream(source.path, {
            fd: this.#openFile(),
            highWaterMark: Math.max(16 << 10, chunkBytes >> 2),
          });
    let rawRead = 0;
    raw.on('data', (c: Buffer) => {
      // Bytes read again after a release were reported the first time; a stream let go may still emit one.
      rawRead += c.length;
      if (raw === this.#raw && rawRead > this.#rawReported) {
        this.#options.onRaw(rawRead - this.#rawReported);
        this.#rawReported = rawRead;
      }
    });
    const decoded = source.kind === 'gzip' ? raw.pipe(createGunzip({ chunkSize: chunkBytes })) : raw;
    raw.on('error', (err: Error) => decoded.destroy(err));
    this.#raw = raw;
    this.#decoded = decoded;
    streamsOpen.up();
    this.#chunks = decoded[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }
}
