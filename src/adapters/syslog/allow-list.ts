/**
 * @module adapters/syslog/allow-list
 * Source-address allow-list for the syslog listeners: addresses and CIDR blocks, IPv4 and IPv6 (IPv4-mapped IPv6
 * senders match IPv4 rules). An empty list allows every sender.
 */
import { BlockList, isIP } from 'node:net';

export function createAllowList(entries: readonly string[]): (address: string) => boolean {
  if (entries.length === 0) {
    return () => true;
  }
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/') as [string, string | undefined];
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) {
      list.addAddress(addr, family);
    } else {
      list.addSubnet(addr, Number(bits), family);
    }
  }
  return (address: string) => {
    const mapped = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    return list.check(mapped, isIP(mapped) === 6 ? 'ipv6' : 'ipv4');
  };
}
