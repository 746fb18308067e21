/**
 * @module app/analyze/worker-protocol
 * Messages between the analyze use case and its scan workers.
 */
import type { ReadOptions, RecordBatch } from '../../adapters/logfiles/read-batches.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';

export type ToWorker =
  | { type: 'open'; id: number; source: LogSource; options: Omit<ReadOptions, 'stdin'> }
  | { type: 'next'; id: number };

export type FromWorker =
  | { type: 'batch'; id: number; batch: RecordBatch }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string };
