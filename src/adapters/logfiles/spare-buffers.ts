/**
 * @module adapters/logfiles/spare-buffers
 * A thread's spare memory for batches' numbers (core/packed-records.ts SpareBuffers): an analyze scan worker's
 * batches are moved to the main thread, which hands their buffers back once it has merged them, and the worker packs
 * its next batches into them. What a batch is made in then never waits for a collector, in either thread.
 */
import type { SpareBuffers } from '../../core/packed-records.js';

/**
 * Spare bytes a thread keeps, at most; past it the buffers given first are let go (to this thread's collector,
 * which frees them soon: a scan worker's young generation is small, scan-pool.ts). The main thread hands buffers back
 * with credit, a few per source at a time, so with many sources more come back at once than are packed into next;
 * kept up to 8 MiB, they filled it (100 per-node files of Stats lines: 111–118 MB of RSS against 106–114 MB without
 * handing back); with 2 MiB 3–4 % of a dense file's batches, ~28 % of those 100 files', took new memory, with 512 KiB
 * ~45 % of the dense file's. Measured RSS: 892 MB of nine per-node files of Stats lines 98–100 MB (512 KiB: 106–108).
 */
export const SPARE_BYTES = 2 << 20;

export class SpareBufferList implements SpareBuffers {
  readonly #buffers: ArrayBuffer[] = [];
  readonly #most: number;
  #bytes = 0;

  constructor(most = SPARE_BYTES) {
    this.#most = most;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Buffers held. */
  get count(): number {
    return this.#buffers.length;
  }

  /**
   * The buffer given last, if it has `bytes` bytes; a smaller one is let go (a thread's batches settle on a size: a
   * source's batches start at the size its last batch reached).
   */
  take(bytes: number): ArrayBuffer | undefined {
    for (let b = this.#buffers.pop(); b !== undefined; b = this.#buffers.pop()) {
      this.#bytes -= b.byteLength;
      if (b.byteLength >= bytes) {
        return b;
      }
    }
    return undefined;
  }

  give(buffer: ArrayBuffer): void {
    // A buffer moved to another thread since (detached) is empty: nothing to use again.
    if (buffer.byteLength === 0 || buffer.byteLength > this.#most) {
      return;
    }
    this.#buffers.push(buffer);
    this.#bytes += buffer.byteLength;
    // Past the bound, the buffers given first are let go: those given last are the size batches have now.
    while (this.#bytes > this.#most) {
      this.#bytes -= (this.#buffers.shift() as ArrayBuffer).byteLength;
    }
  }
}
