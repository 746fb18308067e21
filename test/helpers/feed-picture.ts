/**
 * Feeds a daemon what CMS would send over syslog, from the simulator's current picture.
 */
import type { startDaemon } from '../../src/app/daemon/daemon.js';
import { createSink, parseSinkUrl } from '../../src/sim/syslog/sinks.js';
import { callBridgeStatsLine, webBridgeStatsLine } from '../../src/sim/syslog/templates.js';
import type { simulator } from '../sim/helpers.js';
import { until } from './until.js';

/**
 * Sends the simulator's current picture to a daemon over TCP syslog, as CMS would: a Stats line per Web Bridge and a
 * STATS line per Call Bridge (with `cma` instead of the real count when given), then waits until it is ingested.
 * `hostPrefix` renames the senders (`ber-` + cms1): two simulated clusters with the same node names side by side.
 */
export async function feedPicture(
  daemon: Awaited<ReturnType<typeof startDaemon>>,
  sim: Awaited<ReturnType<typeof simulator>>,
  at: number,
  cma?: number,
  hostPrefix = '',
): Promise<void> {
  const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${daemon.listeners.find((l) => l.transport === 'tcp')?.port}`));
  const stats = (t: number) => {
    for (const w of sim.state().webbridges) {
      sink.send(hostPrefix + w.name, webBridgeStatsLine(t, hostPrefix + w.name, w.active, 10, 5));
    }
  };
  // A Stats line on each side of the STATS lines, as Web Bridges logging every few seconds give: the leak is proven
  // at a sample no older than the Call Bridges' figures.
  stats(at);
  for (const c of sim.state().callbridges) {
    sink.send(hostPrefix + c.name, callBridgeStatsLine(at + 1, hostPrefix + c.name, cma ?? c.cma, cma ?? c.cma, 0));
  }
  stats(at + 2);
  const expectedCb = daemon.state.lines.callbridgeStats + sim.state().callbridges.length;
  const expectedWb = daemon.state.lines.webbridgeStats + 2 * sim.state().webbridges.length;
  await until(
    () => daemon.state.lines.callbridgeStats === expectedCb && daemon.state.lines.webbridgeStats === expectedWb,
    5000,
    'ingest',
  );
  await sink.close();
}
