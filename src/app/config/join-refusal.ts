/**
 * @module app/config/join-refusal
 * What `analysis.joinRefusedPatterns` and `analysis.joinRefusedLevels` mean, in one place: the join refusal every
 * reader of CMS lines recognises (analyze, restart --logs, the daemon's listeners and live state, doctor).
 */
import type { JoinRefusalSettings } from '../../core/parse/join-refusal.js';
import type { ParsedConfig } from './schema.js';

export function joinRefusalSettings(c: Pick<ParsedConfig, 'analysis'>): JoinRefusalSettings {
  return { patterns: c.analysis.joinRefusedPatterns, levels: c.analysis.joinRefusedLevels };
}
