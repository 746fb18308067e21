/**
 * @module core/alerts
 * Alert conditions, their de-duplication per channel, and the words of a notice.
 */
export * from './conditions.js';
export * from './dedupe.js';
export * from './intervals.js';
export * from './message.js';
