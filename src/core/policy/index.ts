/**
 * @module core/policy
 * Restart guards and rolling plans (pure).
 */
export * from './restart-policy.js';
export * from './rolling-plan.js';
export * from './window.js';
