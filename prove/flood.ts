/**
 * @module prove/flood
 * The long floods: `npm run prove -- --only flood [--seconds N]` (default 60 s per scenario): the real daemon
 * (`wbguard run`, its own process, loopback) under UDP at the highest rate the machine sustains, TCP at full speed,
 * malformed-frame floods, one slow TCP client and 1,000 idle TCP connections (test/prove/lib/flood.ts). Prints each
 * scenario's figures (sent, counted, loss, rate, RSS start/peak/end) as docs/reliability.md quotes them; fails when
 * the daemon stopped answering, TCP lost a line, a valid sender was held up, or RSS passed `RSS_LIMIT_MB`.
 */
import { readFileSync } from 'node:fs';
import {
  type FloodFigures,
  idleConnections,
  malformedFlood,
  memoryOf,
  slowClient,
  startFloodDaemon,
  tcpFlood,
  udpFlood,
} from '../test/prove/lib/flood.js';

/** The daemon's RSS may not pass this under any flood (issue 5's budget is 150 MB for 30 days of 20 nodes). */
const RSS_LIMIT_MB = 512;

function row(f: FloodFigures): string {
  return `| ${f.scenario} | ${f.seconds} s | ${f.sent.toLocaleString('en')} | ${f.counted.toLocaleString('en')} | ${f.malformed.toLocaleString('en')} | ${f.dropped.toLocaleString('en')} | ${f.lossPct} % | ${f.perSecond.toLocaleString('en')}/s | ${f.rssStartMb} / ${f.rssPeakMb} / ${f.rssEndMb} MB | ${f.alive ? 'yes' : 'NO'} |`;
}

export async function proveFlood(seconds: number): Promise<boolean> {
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`flood: ${seconds} s per scenario, load average before ${load()}`);
  console.log('| scenario | time | sent | counted | malformed | dropped | loss | rate | RSS start / peak / end | alive |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const problems: string[] = [];
  const d = await startFloodDaemon();
  try {
    const check = (f: FloodFigures, extra: string[] = []) => {
      console.log(row(f));
      for (const n of f.notes) {
        console.log(`  ${n}`);
      }
      if (!f.alive) {
        problems.push(`${f.scenario}: the daemon stopped answering or reading`);
      }
      if (f.rssPeakMb > RSS_LIMIT_MB) {
        problems.push(`${f.scenario}: RSS peaked at ${f.rssPeakMb} MB (limit ${RSS_LIMIT_MB})`);
      }
      problems.push(...extra.map((e) => `${f.scenario}: ${e}`));
    };
    check(await udpFlood(d, seconds));
    const tcp = await tcpFlood(d, seconds);
    check(tcp, tcp.counted < tcp.sent ? [`TCP lost ${tcp.sent - tcp.counted} lines`] : []);
    const bad = await malformedFlood(d, seconds);
    check(bad, [
      ...(bad.validCounted < bad.validSent ? [`valid lines lost: ${bad.validSent - bad.validCounted}`] : []),
      ...(bad.notClosed > 0 ? [`${bad.notClosed} bad-frame connections not closed`] : []),
    ]);
    const slow = await slowClient(d, seconds);
    check(slow, slow.validCountedWhileSlow < slow.validSent ? ['the slow client held up the valid sender'] : []);
    const idle = await idleConnections(d, seconds, 1000);
    check(idle, [
      ...(idle.heldAfterOpen < 1000 ? [`only ${idle.heldAfterOpen} of 1000 idle connections accepted`] : []),
      ...(idle.validCountedWhileHeld < idle.validSent ? ['the idle connections held up the valid sender'] : []),
    ]);
    const { hwmMb, rssMb } = memoryOf(d.pid);
    console.log(`flood: daemon RSS now ${rssMb} MB, high-water mark ${hwmMb} MB; load average after ${load()}`);
  } finally {
    await d.stop();
  }
  for (const p of problems) {
    console.log(`flood: PROBLEM ${p}`);
  }
  return problems.length === 0;
}
