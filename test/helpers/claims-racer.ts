/**
 * A worker thread for segment-claims.test.ts: takes segments from the back of the claims it is given (the real
 * SegmentClaims, on memory shared with the test's thread) until none is left to it, and says which it took.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SegmentClaims } from '../../src/app/analyze/segment-claims.js';

const claims = new SegmentClaims(workerData as SharedArrayBuffer);
const taken: number[] = [];
for (let i = claims.takeBack(0); i >= 0; i = claims.takeBack(0)) {
  taken.push(i);
}
parentPort?.postMessage(taken);
