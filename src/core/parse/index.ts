/**
 * @module core/parse
 * CMS log line parsing (pure).
 */
export { CANDIDATE_SUBSTRINGS, isCandidateLine, parsePayload } from './cms-payloads.js';
export {
  candidateSubstringsFor,
  compileJoinRefusedPatterns,
  DEFAULT_JOIN_REFUSAL,
  DEFAULT_JOIN_REFUSAL_SETTINGS,
  DEFAULT_JOIN_REFUSED_PATTERN_SOURCES,
  DEFAULT_JOIN_REFUSED_PATTERNS,
  DEFAULT_LEVEL_LINE_RULE,
  isDefaultJoinRefusal,
  isJoinRefusal,
  type JoinRefusal,
  type JoinRefusalSettings,
  joinRefusalFrom,
  LEVEL_SUBSTRINGS,
  type LevelLineRule,
  levelLineRuleFor,
  RECORD_SUBSTRINGS,
  refusalLiterals,
  requiredLiteral,
  requiredLiterals,
} from './join-refusal.js';
export {
  createLineReader,
  type FirstStamp,
  type LineReader,
  type LineReaderOptions,
  MAX_LINE_LENGTH,
  type YearState,
  yearOfStamp,
} from './line-reader.js';
export { type EnvelopeFields, type StatsLineFields, StatsLineState } from './stats-bytes.js';
export { isFacilitySeverityToken, parseEnvelope } from './syslog-envelope.js';
export { isValidTimeZone, wallClockToEpoch, zoneOffsetMs } from './zoned-time.js';
