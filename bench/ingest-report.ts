/**
 * The ingest benchmark's report (Markdown, for docs/benchmarks.md): every round's row, then per mix the medians and
 * the ratios wbguard / rsyslogd taken round by round (both measured in the same round).
 */
import type { IngestBench, IngestRow } from './ingest.js';

const num = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString('en'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mixName = (mix: number) => (mix === 1 ? '100 % Stats' : `${mix * 100} % Stats`);

function rowLine(x: IngestRow): string {
  const lost = x.sent - x.received;
  const stored = x.stored === undefined ? '—' : `${num(x.stored)} of ${num(x.statsLines)}`;
  return `| ${x.round} | ${x.receiver} | ${x.transport} | ${x.transport === 'tcp' ? mixName(x.mix) : '100k/s paced'} | ${num(x.sent)} | ${num(lost)}${x.kernelDrops === undefined ? '' : ` (kernel: ${num(x.kernelDrops)})`} | ${x.seconds} | ${num(x.perSecond)} | ${stored} | ${x.storedSeconds ?? '—'} | ${num(x.storedPerSecond)} | ${x.rssMb === undefined ? '—' : `${x.rssMb} / ${x.peakRssMb} MB`} |`;
}

/** wbguard / rsyslogd per round, for rows of one transport and mix. */
function ratios(rows: IngestRow[], field: 'perSecond' | 'throughStorePerSecond'): number[] {
  const out: number[] = [];
  for (const round of new Set(rows.map((x) => x.round))) {
    const w = rows.find((x) => x.round === round && x.receiver === 'wbguard run');
    const r = rows.find((x) => x.round === round && x.receiver.startsWith('rsyslogd'));
    const wv = w?.[field];
    if (wv !== undefined && r) {
      out.push(Math.round((wv / r.perSecond) * 100) / 100);
    }
  }
  return out;
}

export function ingestReport(r: IngestBench): string[] {
  const lines = [
    '## Syslog ingest',
    '',
    `${r.rounds} rounds on 127.0.0.1, the receivers running side by side and measured interleaved (their order swapped every other round). TCP: one connection; bench/frame-sender.ts writes pre-rendered octet-counted frames in large writes, as fast as the receiver reads them (back-pressure: nothing may be lost). UDP: bench/sender.ts paced at 100k/s, the kernel's drops read from the receiving socket's line in /proc/net/udp. wbguard: \`wbguard run\` (built), SQLite store; "read" is every message counted (lines.read), "stored" the Stats records committed. rsyslogd: imtcp/imudp, omfile with a message-only template, async writing, 1 MiB buffers. Chatter at WARNING level: ${Math.round(r.warnShare * 100)} %. Load average ${r.load[0].toFixed(2)} before, ${r.load[1].toFixed(2)} after.`,
    '',
    r.sink === 'python'
      ? 'The sender against a null sink (a Python server reading into one 4 MiB buffer, only counting bytes), per mix and round, messages/s:'
      : "The sender against a null sink (a Node server only counting bytes; no python3 here, so a lower bound of the sender's rate: Node's sink takes about half of what the sender writes), per mix and round, messages/s:",
    '',
    ...[...new Set(r.sender.map((s) => s.mix))].map(
      (mix) =>
        `- ${mixName(mix)}: ${r.sender
          .filter((s) => s.mix === mix)
          .map((s) => num(s.perSecond))
          .join(', ')}`,
    ),
    '',
    '| round | receiver | transport | mix | sent | lost | seconds to read | read/s | Stats records stored | all stored, s | records stored/s | RSS / peak |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.rows.map(rowLine),
    '',
  ];
  for (const mix of [...new Set(r.rows.filter((x) => x.transport === 'tcp').map((x) => x.mix))]) {
    const rows = r.rows.filter((x) => x.transport === 'tcp' && x.mix === mix);
    const senderMedian = median(r.sender.filter((s) => s.mix === mix).map((s) => s.perSecond));
    const byReceiver = [...new Set(rows.map((x) => x.receiver))].map(
      (name) => `${name} ${num(median(rows.filter((x) => x.receiver === name).map((x) => x.perSecond)))}/s`,
    );
    const read = ratios(rows, 'perSecond');
    const stored = ratios(rows, 'throughStorePerSecond');
    lines.push(
      `- TCP, ${mixName(mix)}: median read rate ${byReceiver.join(', ')}; sender alone ${num(senderMedian)}/s. wbguard read / rsyslogd per round: ${read.join(', ')} (median **${median(read)}×**); wbguard with every Stats record committed / rsyslogd: ${stored.join(', ')} (median ${median(stored)}×). Lost: ${rows.map((x) => x.sent - x.received).join(', ')}.`,
    );
  }
  const udp = r.rows.filter((x) => x.transport === 'udp');
  if (udp.length > 0) {
    lines.push(
      `- UDP at 100k/s: ${[...new Set(udp.map((x) => x.receiver))]
        .map(
          (name) =>
            `${name} lost ${udp
              .filter((x) => x.receiver === name)
              .map((x) => `${x.sent - x.received} (kernel ${x.kernelDrops ?? '?'})`)
              .join(', ')}`,
        )
        .join('; ')}.`,
    );
  }
  return lines;
}
