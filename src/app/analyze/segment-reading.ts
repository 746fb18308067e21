/**
 * @module app/analyze/segment-reading
 * A scan worker's part of a file read in segments (split-file.ts): it takes segments from the back of the file
 * (segment-claims.ts) and reads each to its end at once, its batches kept in a temporary file (record-spill.ts),
 * until the main thread, coming from the front, has reached the segments left. The main thread asks for a segment's
 * batches only once it has reached it, after every segment before it: by then this worker is done or nearly.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { type RecordBatch, readBatches } from '../../adapters/logfiles/read-batches.js';
import { RecordSpill } from '../../adapters/logfiles/record-spill.js';
import type { SpareBuffers } from '../../core/packed-records.js';
import { SegmentClaims } from './segment-claims.js';
import { segmentOf } from './split-file.js';
import type { SegmentsJob } from './worker-protocol.js';

/** A segment this worker took: its batches, once read (or why it could not be). */
interface ReadSegment {
  readonly spill: RecordSpill;
  readonly read: Promise<void>;
  error: string | undefined;
}

/** The segments this worker took, by job and segment index. */
const taken = new Map<string, ReadSegment>();

const keyOf = (job: number, segment: number) => `${job}:${segment}`;

/**
 * Takes and reads segments of `job` from the back until the main thread has reached them. `spares`: the worker's
 * memory for batches' numbers (spare-buffers.ts), packed into and given back once a batch is in the temporary file.
 */
export async function readSegments(job: SegmentsJob, worker: number, spares?: SpareBuffers): Promise<void> {
  const claims = new SegmentClaims(job.claims);
  for (let i = claims.takeBack(worker); i >= 0; i = claims.takeBack(worker)) {
    const spill = new RecordSpill();
    let done: () => void = () => {};
    const segment: ReadSegment = { spill, read: new Promise<void>((r) => (done = r)), error: undefined };
    // Recorded as soon as it is taken: the main thread may ask for it from now on.
    taken.set(keyOf(job.job, i), segment);
    try {
      const batches = readBatches(job.source, {
        ...job.options,
        segment: segmentOf(job, i),
        ...(spares ? { spares } : {}),
      });
      for await (const batch of batches) {
        spill.write(batch, spares);
        claims.noteRead(batch.bytes);
        // Messages (the main thread asking for a segment, credit) are read between batches.
        await turn();
      }
    } catch (err) {
      segment.error = err instanceof Error ? err.message : String(err);
    }
    done();
  }
}

/**
 * The batches of segment `index` of `job`, which this worker took, once it is read; then let go. Their numbers are
 * read back into `spares` when it has room enough.
 */
export async function* segmentBatches(job: number, index: number, spares?: SpareBuffers): AsyncGenerator<RecordBatch> {
  const key = keyOf(job, index);
  const segment = taken.get(key);
  if (!segment) {
    throw new Error(`scan worker: segment ${index} was not taken here`);
  }
  try {
    await segment.read;
    for (let batch = segment.spill.shift(spares); batch !== undefined; batch = segment.spill.shift(spares)) {
      yield batch;
    }
    if (segment.error !== undefined) {
      throw new Error(segment.error);
    }
  } finally {
    segment.spill.close();
    taken.delete(key);
  }
}
