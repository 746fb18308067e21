/**
 * @module app/analyze/worker-protocol
 * Messages between the analyze use case and its scan workers.
 */
import type { ReadOptions } from '../../adapters/logfiles/read-batches.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';
import type { PackedBatch } from './packed-batch.js';

/** Batches a worker may read of a source ahead of the merge. */
export const READ_AHEAD = 8;
/** The merge hands credit back this many batches at a time: one message per batch cost the main thread ~40 ms. */
export const CREDIT_STEP = READ_AHEAD / 2;

export type ToWorker =
  | { type: 'open'; id: number; source: LogSource; options: Omit<ReadOptions, 'stdin'> }
  /** The merge took `batches` more of this source's batches: the worker may read that many further ahead. */
  | { type: 'next'; id: number; batches: number };

export type FromWorker =
  | { type: 'batch'; id: number; batch: PackedBatch }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string };
