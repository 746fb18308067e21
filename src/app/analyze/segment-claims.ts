/**
 * @module app/analyze/segment-claims
 * Who reads which segment of a file read by several threads (split-file.ts), decided as they go, in memory all of
 * them share: this thread takes segments from the front, in order, and the scan workers from the back. They meet
 * where their speeds put them, whatever the file holds (records cost this thread their analysis besides their
 * reading, and how many there are per byte varies a thousandfold between a CMS log and a file of Stats lines), and
 * a worker slow to start costs nothing: this thread reads what no worker took. The same memory counts the bytes the
 * workers have read, so that the analysis's progress follows them as they read (split-file.ts), not only when their
 * segments' records are handed on, at the end.
 */

/** A segment no thread took yet. */
const FREE = 0;
/** Taken by the main thread. */
const MAIN = 1;

/** Bytes before the claims' cells: the count of bytes the workers have read (64 bits: a file may pass 2 GiB). */
const READ_BYTES = 8;

export class SegmentClaims {
  /** [0]: the next segment a worker tries, plus one; [1 + i]: who took segment i (FREE, MAIN, or 2 + a worker's index). */
  readonly #cells: Int32Array;
  /** [0]: bytes of their segments the workers have read so far. */
  readonly #read: BigInt64Array;

  /** The claims of `count` segments, or those in `buffer` (another thread's, shared). */
  constructor(countOrBuffer: number | SharedArrayBuffer) {
    const buffer =
      typeof countOrBuffer === 'number' ? new SharedArrayBuffer(READ_BYTES + 4 * (countOrBuffer + 1)) : countOrBuffer;
    this.#read = new BigInt64Array(buffer, 0, 1);
    this.#cells = new Int32Array(buffer, READ_BYTES);
    if (typeof countOrBuffer === 'number') {
      this.#cells[0] = countOrBuffer;
    }
  }

  /** The memory to share with the workers. */
  get buffer(): SharedArrayBuffer {
    return this.#cells.buffer as SharedArrayBuffer;
  }

  get count(): number {
    return this.#cells.length - 1;
  }

  /**
   * The main thread takes segment `i` (in order, from 0): false when a worker took it, and with it every later one
   * (workers take them from the back).
   */
  takeFront(i: number): boolean {
    return Atomics.compareExchange(this.#cells, 1 + i, FREE, MAIN) === FREE;
  }

  /**
   * Worker `worker` takes the last segment nobody took: its index, or -1 when the main thread has reached the
   * segments left (segment 0 is always the main thread's: it starts at once, while workers start).
   */
  takeBack(worker: number): number {
    const i = Atomics.sub(this.#cells, 0, 1) - 1;
    if (i < 1) {
      return -1;
    }
    return Atomics.compareExchange(this.#cells, 1 + i, FREE, 2 + worker) === FREE ? i : -1;
  }

  /** A worker has read `bytes` more bytes of the segments it took. */
  noteRead(bytes: number): void {
    Atomics.add(this.#read, 0, BigInt(bytes));
  }

  /** Bytes the workers have read of the segments they took, so far. */
  readByWorkers(): number {
    return Number(Atomics.load(this.#read, 0));
  }

  /** The worker that took segment `i`, or -1 when the main thread did or nobody has. */
  workerOf(i: number): number {
    const owner = Atomics.load(this.#cells, 1 + i);
    return owner >= 2 ? owner - 2 : -1;
  }
}
