/**
 * @module app/analyze/packed-batch
 * A batch of records as the merge holds it: numbers in one Float64Array, host names once per batch, and only the
 * rare records' other fields as objects (core/packed-records.ts). From a scan worker the array is transferred, not
 * copied: posting records as objects made the main thread spend 125 ms per 180k records in structured-clone
 * deserialisation (measured), about as long as the analysis itself.
 */
import type { RecordBatch } from '../../adapters/logfiles/read-batches.js';
import { type PackedRecords, packRecords } from '../../core/packed-records.js';

export { packedAt, packedLength, unpackRecord, visitPacked } from '../../core/packed-records.js';

export interface PackedBatch extends PackedRecords {
  readonly lines: number;
  readonly malformed: number;
  readonly bytes: number;
  readonly errors: RecordBatch['errors'];
}

export function packBatch(batch: RecordBatch): PackedBatch {
  return {
    // Without the Call Bridges' STATS JSON: the analysis never reads it (core/packed-records.ts, PackOptions).
    ...packRecords(batch.records, { raw: false }),
    lines: batch.lines,
    malformed: batch.malformed,
    bytes: batch.bytes,
    errors: batch.errors,
  };
}
