/**
 * Load generator for the ingest benchmark, run as its own process: sends N CMS Stats lines as fast as the transport
 * takes them (TCP octet-counted with back-pressure; UDP paced in bursts), to 127.0.0.1 only.
 * Usage: node --import tsx bench/sender.ts tcp|udp PORT COUNT [perSecond]
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { webBridgeStatsLine } from '../src/sim/syslog/templates.js';

const [transport, portText, countText, rateText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const t0 = Date.now() - 3_600_000;
const line = (i: number) => `<14>${webBridgeStatsLine(t0 + i, `cms${(i % 20) + 1}`, i % 149, i, i)}`;

if (transport === 'tcp') {
  const s = connect({ host: '127.0.0.1', port });
  s.on('connect', () => {
    let i = 0;
    const pump = () => {
      while (i < count) {
        const chunk: string[] = [];
        for (let k = 0; k < 500 && i < count; k++, i++) {
          const m = line(i);
          chunk.push(`${Buffer.byteLength(m)} ${m}`);
        }
        if (!s.write(chunk.join(''))) {
          s.once('drain', pump);
          return;
        }
      }
      s.end();
    };
    pump();
  });
} else {
  const s = createSocket('udp4');
  const perSecond = Number(rateText ?? 100_000);
  const burst = 1000;
  let i = 0;
  const tick = setInterval(
    () => {
      for (let k = 0; k < burst && i < count; k++, i++) {
        s.send(line(i), port, '127.0.0.1');
      }
      if (i >= count) {
        clearInterval(tick);
        setTimeout(() => s.close(), 200);
      }
    },
    (burst / perSecond) * 1000,
  );
}
