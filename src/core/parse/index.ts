/**
 * @module core/parse
 * CMS log line parsing (pure).
 */
export {
  CANDIDATE_SUBSTRINGS,
  DEFAULT_JOIN_REFUSED_PATTERNS,
  DEFAULT_LEVEL_LINE_RULE,
  DEFAULT_REFUSAL_WORDINGS,
  isCandidateLine,
  LEVEL_SUBSTRINGS,
  type LevelLineRule,
  parsePayload,
  refusalLiterals,
} from './cms-payloads.js';
export { createLineReader, type LineReader, type LineReaderOptions, MAX_LINE_LENGTH } from './line-reader.js';
export { type EnvelopeFields, type StatsLineFields, StatsLineState } from './stats-bytes.js';
export { isFacilitySeverityToken, parseEnvelope } from './syslog-envelope.js';
export { isValidTimeZone, wallClockToEpoch, zoneOffsetMs } from './zoned-time.js';
