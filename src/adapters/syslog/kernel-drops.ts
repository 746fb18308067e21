/**
 * @module adapters/syslog/kernel-drops
 * What the kernel says it dropped of the UDP datagrams sent to one socket: the `drops` column of its line in
 * /proc/net/udp (IPv4) or /proc/net/udp6 (IPv6), found by the socket's local address and port. The daemon's drop
 * metric and alert count its own listening socket's drops this way (the machine-wide RcvbufErrors of
 * /proc/net/snmp also counts every other program's sockets: a resolver's or another syslog daemon's drops would
 * have raised wbguard's alert); the ingest benchmark and the tests that prove nothing was lost read it too.
 * Linux only: elsewhere it is undefined.
 */
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { endianness } from 'node:os';

/** An address's 32-bit word as /proc/net/udp* prints it: the word's bytes read as a native integer, in hex. */
function procWord(bytes: readonly number[], littleEndian: boolean): string {
  const ordered = littleEndian ? [...bytes].reverse() : bytes;
  return ordered.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** The 16 bytes of an IPv6 address (`::`, `::1`, `fe80::1`, `::ffff:127.0.0.1`, …). */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0] as string;
  // A dotted IPv4 tail (`::ffff:127.0.0.1`) is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groupsOf = (part: string | undefined) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const before = groupsOf(head);
  const after = groupsOf(tail);
  const groups =
    tail === undefined ? before : [...before, ...new Array(8 - before.length - after.length).fill(0), ...after];
  return groups.flatMap((g) => [(g >> 8) & 0xff, g & 0xff]);
}

/**
 * The local address column (`ADDRESS:PORT`) of a socket bound to `address`:`port` as /proc/net/udp or udp6 prints
 * it on a machine of the given byte order, and which of the two files holds it. Undefined for what is not an IP.
 */
export function procUdpLocal(
  address: string,
  port: number,
  littleEndian = endianness() === 'LE',
): { file: '/proc/net/udp' | '/proc/net/udp6'; local: string } | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  if (isIPv4(address)) {
    return { file: '/proc/net/udp', local: `${procWord(address.split('.').map(Number), littleEndian)}:${hexPort}` };
  }
  if (isIPv6(address.split('%')[0] as string)) {
    const bytes = ipv6Bytes(address);
    const words = [0, 4, 8, 12].map((i) => procWord(bytes.slice(i, i + 4), littleEndian));
    return { file: '/proc/net/udp6', local: `${words.join('')}:${hexPort}` };
  }
  return undefined;
}

/**
 * The kernel's drop count of the UDP socket bound to `address`:`port` (its line's last column), or undefined where
 * it cannot be read (not Linux, no such socket). A socket made again (the receiving thread started anew) counts
 * from zero.
 */
export function udpSocketDrops(port: number, address = '127.0.0.1'): number | undefined {
  const where = procUdpLocal(address, port);
  if (!where) {
    return undefined;
  }
  try {
    for (const line of readFileSync(where.file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1] === where.local) {
        return Number(fields[fields.length - 1]);
      }
    }
  } catch {
    // not Linux
  }
  return undefined;
}
