/**
 * @module app/daemon/release-memory
 * One full garbage collection, asked for once after the start-up replay: reading weeks of records through the
 * analysis grows V8's heap to several times what the daemon then keeps, and the heap is not given back to the system
 * while timers keep the process busy (docs/benchmarks.md, daemon memory). Node exposes no collection without
 * `--expose-gc`, so the flag is set for this call only through V8's own API.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function releaseMemory(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}
