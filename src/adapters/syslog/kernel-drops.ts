/**
 * @module adapters/syslog/kernel-drops
 * What the kernel says it dropped of the UDP datagrams sent to us: machine-wide (/proc/net/snmp, for the daemon's
 * drop metric) and per socket (/proc/net/udp, for the ingest benchmark and the tests that prove nothing was lost).
 * Linux only: elsewhere both are undefined.
 */
import { readFileSync } from 'node:fs';

/** The kernel's count of UDP datagrams dropped for a full receive buffer (all sockets), from /proc/net/snmp. */
export function kernelUdpReceiveErrors(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    const [head, values] = lines.map((l) => l.trim().split(/\s+/));
    const i = head?.indexOf('RcvbufErrors') ?? -1;
    return i > 0 ? Number(values?.[i]) : undefined;
  } catch {
    return undefined;
  }
}

/** The kernel's drop count of the UDP socket bound to 127.0.0.1:`port` (/proc/net/udp, last column). */
export function udpSocketDrops(port: number): number | undefined {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  try {
    for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1] === local) {
        return Number(fields[fields.length - 1]);
      }
    }
  } catch {
    // not Linux
  }
  return undefined;
}
