import type { GuardThresholds } from '../../src/core/policy/index.js';

/** The guards' thresholds at the configuration's defaults (the `restart` section, limit 149). */
export const DEFAULT_THRESHOLDS: GuardThresholds = {
  maxActiveSessions: 0,
  leakThreshold: 20,
  nearLimitMargin: 5,
  staleAfterMs: 900_000,
  maxPerDay: 1,
  limit: 149,
};
