/**
 * What the log-file scanning tests look at: the candidate lines a scanner hands on (decoded), and the lines, unreadable
 * lines and records a source's batches add up to.
 */
import fc from 'fast-check';
import type { CandidateSink } from '../../src/adapters/logfiles/candidate-scanner.js';
import type { RecordBatch } from '../../src/adapters/logfiles/read-batches.js';
import { unpackRecords } from '../../src/core/packed-records.js';

/** A sink that takes no line as bytes and records every candidate line decoded. */
export class DecodedLines implements CandidateSink {
  readonly decoded: string[] = [];
  bytes(): boolean {
    return false;
  }
  line(line: string): void {
    this.decoded.push(line);
  }
  overlong(): void {}
}

/** The batches of a source added up. */
export async function collectBatches(batches: AsyncGenerator<RecordBatch>) {
  let lines = 0;
  let malformed = 0;
  const records: unknown[] = [];
  for await (const b of batches) {
    lines += b.lines;
    malformed += b.malformed;
    records.push(...unpackRecords(b));
  }
  return { lines, malformed, records };
}

/** Random lines made of `pieces` and random strings of up to `stringLength` characters, without newlines. */
export function linesOf(pieces: fc.Arbitrary<string>, stringLength: number, maxPieces: number): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(pieces, fc.string({ maxLength: stringLength })), { maxLength: maxPieces })
    .map((p) => p.join('').replace(/\n/g, ' '));
}
