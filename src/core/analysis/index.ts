/**
 * @module core/analysis
 * Leak analysis of a CMS cluster (pure).
 */
export { BoundedSeries } from './bounded-series.js';
export { type AnalyzerOptions, ClusterAnalyzer, RESTART_MERGE_MS } from './cluster-analyzer.js';
export { downsample } from './downsample.js';
export { CADENCE_SAFETY, forecastLimit, MIN_LEAK_RATE, recommend, restartCadenceDays } from './forecast.js';
export { slopePerDay } from './leak-rate.js';
