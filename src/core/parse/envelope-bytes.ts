/**
 * @module core/parse/envelope-bytes
 * Whether a line's syslog envelope is readable, told from its bytes for the common shape: an optional `<PRI>`, a BSD
 * stamp, then a host (after an optional `facility.severity` token). A receiver that has already seen on the bytes
 * that a line holds none of the candidate substrings knows no record can come of it; the line is then either
 * ignored or, when its envelope is unreadable, counted as malformed. This answers which without decoding the line:
 * true only when `createLineReader().read()` would surely not call it malformed (a test holds the two to that);
 * false when unsure, and the caller then reads the line the general way.
 */
import { bsdStampEnd, CR, emptyStamp, priEnd, skipBlanks, tokenEndAt } from './line-bytes.js';
import { MAX_LINE_LENGTH } from './line-reader.js';

const scratchStamp = emptyStamp();

/**
 * True when the line in `bytes[start, end)` surely has a readable envelope: `<PRI>` (optional), BSD stamp, and two
 * more tokens (the host, or a `facility.severity` token and the host). False when it has not, or has another shape.
 */
export function envelopeSurelyReadable(bytes: Uint8Array, start: number, lineEnd: number): boolean {
  // The line reader drops one trailing CR, and refuses lines over MAX_LINE_LENGTH characters (bytes ≥ characters).
  const end = lineEnd > start && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
  if (end - start > MAX_LINE_LENGTH) {
    return false;
  }
  const afterPri = priEnd(bytes, start, end);
  if (afterPri < 0) {
    return false;
  }
  // The stamp's fields are not needed here, only where it ends (the same reading as the Stats line reader's).
  const stampEnd = bsdStampEnd(bytes, end, skipBlanks(bytes, end, afterPri), start, scratchStamp);
  if (stampEnd < 0) {
    return false;
  }
  const first = skipBlanks(bytes, end, stampEnd);
  const firstEnd = tokenEndAt(bytes, end, first);
  return (
    firstEnd > first && tokenEndAt(bytes, end, skipBlanks(bytes, end, firstEnd)) > skipBlanks(bytes, end, firstEnd)
  );
}
