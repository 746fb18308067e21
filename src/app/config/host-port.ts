/**
 * @module app/config/host-port
 * `host[:port]` as written in the configuration (`10.0.0.11:22`, `cms1.example.com`, `[::1]:22`): one parser for
 * the schema's validation and for the code that connects or listens, so the two can never disagree.
 */
import { isIP, isIPv6 } from 'node:net';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** RFC 1123 host name: labels of letters, digits and inner hyphens (underscores tolerated, as DNS often has them). */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * Splits and checks `host[:port]`. Returns the parts, or the problem in words (for a validation message).
 * @param minPort 1 for a peer; 0 for a listen address (0 asks the system for a free port).
 */
export function checkHostPort(
  value: string,
  defaultPort: number,
  minPort = 1,
): { ok: true; value: HostPort } | { ok: false; problem: string } {
  let host: string;
  let portText: string | undefined;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) {
      return { ok: false, problem: 'missing ] after an IPv6 address' };
    }
    host = value.slice(1, end);
    const rest = value.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) {
      return { ok: false, problem: 'expected :port after ]' };
    }
    portText = rest === '' ? undefined : rest.slice(1);
    if (!isIPv6(host)) {
      return { ok: false, problem: 'not an IPv6 address inside [ ]' };
    }
  } else {
    const colons = value.split(':').length - 1;
    if (colons > 1) {
      return { ok: false, problem: 'an IPv6 address needs brackets: [2001:db8::1]:22' };
    }
    const colon = value.indexOf(':');
    host = colon < 0 ? value : value.slice(0, colon);
    portText = colon < 0 ? undefined : value.slice(colon + 1);
    const looksNumeric = /^[0-9.]+$/.test(host);
    if (looksNumeric ? isIP(host) !== 4 : !HOST_NAME.test(host)) {
      return { ok: false, problem: looksNumeric ? 'not an IPv4 address' : 'not a valid host name or address' };
    }
  }
  if (portText === undefined) {
    return { ok: true, value: { host, port: defaultPort } };
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= minPort && port <= 65535)) {
    return { ok: false, problem: `port must be ${minPort}-65535` };
  }
  return { ok: true, value: { host, port } };
}

/**
 * `host[:port]` → parts (IPv6 without its brackets). For values the schema has validated.
 * @throws TypeError on a value that is not `host[:port]`
 */
export function parseHostPort(value: string, defaultPort: number): HostPort {
  const r = checkHostPort(value, defaultPort, 0);
  if (!r.ok) {
    throw new TypeError(`not host[:port]: ${r.problem}`);
  }
  return r.value;
}

/** The inverse: `[::1]:22`, `10.0.0.1:22`. */
export function formatHostPort({ host, port }: HostPort): string {
  return `${isIPv6(host) ? `[${host}]` : host}:${port}`;
}
