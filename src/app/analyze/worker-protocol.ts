/**
 * @module app/analyze/worker-protocol
 * Messages between the analyze use case and its scan workers.
 */
import type { ReadOptions } from '../../adapters/logfiles/read-batches.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';
import type { PackedBatch } from './packed-batch.js';

export type ToWorker =
  | { type: 'open'; id: number; source: LogSource; options: Omit<ReadOptions, 'stdin'> }
  | { type: 'next'; id: number };

export type FromWorker =
  | { type: 'batch'; id: number; batch: PackedBatch }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string };
