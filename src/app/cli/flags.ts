/**
 * @module app/cli/flags
 * Parsers for numeric flag values shared by the verbs, so each flag is refused in the same words: a usage error
 * (exit 2) naming the flag, the range and the value given.
 */
import { UsageError } from '../../errors.js';

/** The most scan workers `analyze --jobs` may ask for. */
export const MAX_JOBS = 64;

/**
 * A whole number from `min` to `max` written in decimal digits (no sign, exponent or hex: `1e3` or `0x10` are typos
 * more often than intents); undefined when the flag was not given.
 * @throws UsageError when the value is not such a number
 */
export function parseIntFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} [value:${value}]`);
  }
  return n;
}
