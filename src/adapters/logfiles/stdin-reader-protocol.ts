/**
 * @module adapters/logfiles/stdin-reader-protocol
 * Messages between the thread analysing standard input and the thread draining it (stdin-reader-worker.ts).
 */

export interface StdinReaderData {
  /** Bytes of standard input in a chunk (fewer only in its last). */
  readonly chunkBytes: number;
}

/** Chunks the reader may read further ahead (the analysing thread took that many). */
export type ToStdinReader = { readonly type: 'credit'; readonly chunks: number };

export type FromStdinReader =
  | { readonly type: 'chunk'; readonly bytes: ArrayBuffer; readonly length: number }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly message: string };
