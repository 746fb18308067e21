/**
 * @module app/doctor/name-lookup
 * The doctor's name resolution, for MMP names and CMS API hosts alike: an IP address is used as it is, a name is
 * resolved within a timeout. The lookup is injectable so a test of a name that does not resolve asks no DNS server.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Resolves a host name to one address (rejects with a `code` such as ENOTFOUND when it cannot). */
export type NameLookup = (hostname: string) => Promise<{ address: string }>;

export const systemLookup: NameLookup = (hostname) => dnsLookup(hostname);

/** The address of `host`: itself when it is an IP address, else what `lookup` answers within `timeoutMs`. */
export async function resolveName(host: string, lookup: NameLookup, timeoutMs: number): Promise<string> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) !== 0) {
    return bare;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'EAI_AGAIN' })), timeoutMs);
    });
    return (await Promise.race([lookup(bare), timeout])).address;
  } finally {
    clearTimeout(timer);
  }
}
