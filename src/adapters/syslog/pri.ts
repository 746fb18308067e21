/**
 * @module adapters/syslog/pri
 * The `<PRI>` at the head of a syslog message, skipped on its bytes: a receiver that reads the rest of the message
 * from bytes (a Web Bridge Stats line: core/parse/stats-bytes.ts) starts after it, as the general parser does.
 */

/** Where a valid `<PRI>` (1–3 digits, at most 191, RFC 5424 §6.2.1) at `start` ends; `start` without one. */
export function afterPri(bytes: Uint8Array, start: number, end: number): number {
  if (bytes[start] !== 0x3c /* < */) {
    return start;
  }
  let pri = 0;
  for (let p = start + 1; p < end && p <= start + 4; p++) {
    const c = bytes[p] as number;
    if (c === 0x3e /* > */) {
      return p > start + 1 && pri <= 191 ? p + 1 : start;
    }
    if (c < 0x30 || c > 0x39) {
      return start;
    }
    pri = pri * 10 + c - 0x30;
  }
  return start;
}
