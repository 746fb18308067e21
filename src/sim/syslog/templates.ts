/**
 * @module sim/syslog/templates
 * Writes CMS syslog lines from templates of our own (the shapes of docs/cms-facts.md §1–3), for the simulator,
 * the bundled sample and the benchmark corpus. Deliberately independent of src/core/parse, so that a parser bug cannot
 * hide in a round trip.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Feb 23 09:02:21.594`: CMS's local-log stamp (BSD, with milliseconds, day padded with a space). */
export function bsdStamp(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export function webBridgeStatsLine(at: number, host: string, active: number, c: number, d: number): string {
  return `${bsdStamp(at)} user.info ${host} "webbridge": INFO : [DEBUGGING] Stats ${active}, c:${c}, d:${d}`;
}

export function callBridgeStatsLine(at: number, host: string, cma: number, cmaPeak: number, legs: number): string {
  const json = `{"callLegsPS": ${legs % 3}, "callLegs": "${legs}/${legs + 2}", "CMA": "${cma}/${cmaPeak}", "sip": {"std": "${Math.max(0, legs - cma)}/${legs}", "peer": "0/0"}}`;
  return `${bsdStamp(at)} user.info ${host} host:server: INFO : STATS: ${json}`;
}

export function auditLine(at: number, host: string, user: string, command: string, from = '127.0.0.1:50022'): string {
  return `${bsdStamp(at)} local0.info ${host} cli: User ${user} from ${from} issued command < ${command}>: permission granted`;
}

const FACILITY_CODES: Readonly<Record<string, number>> = { user: 1, daemon: 3, local0: 16, local7: 23 };
const SEVERITY_CODES: Readonly<Record<string, number>> = { err: 3, warning: 4, info: 6, debug: 7 };

/** The `<PRI>` of one of our lines, from its `facility.severity` token (RFC 5424 §6.2.1: facility × 8 + severity). */
export function priOf(line: string): number {
  const token = line.split(' ').find((t) => /^[a-z0-9]+\.[a-z]+$/.test(t)) ?? 'user.info';
  const [facility, severity] = token.split('.') as [string, string];
  return (FACILITY_CODES[facility] ?? 1) * 8 + (SEVERITY_CODES[severity] ?? 6);
}

export function webBridgeEventLine(at: number, host: string, text: string): string {
  return `${bsdStamp(at)} user.info ${host} "webbridge": INFO : ${text}`;
}

export function joinRefusedLine(at: number, host: string, limit: number): string {
  return `${bsdStamp(at)} user.err ${host} "webbridge": ERROR : join refused: session limit reached (${limit})`;
}

const CHATTER = [
  (h: string, n: number) =>
    `user.info ${h} host:server: INFO : guest login request ${1450660605 + n}: resolution in progress`,
  (h: string, n: number) =>
    `user.info ${h} host:server: INFO : call ${n % 997}: outgoing SIP call to "sip:room${n % 50}@example.com" from local`,
  (h: string, n: number) =>
    `user.info ${h} host:server:  INFO : API trace ${n}: GET for "/api/v1/system/status" (from 10.1.2.${n % 250})`,
  (h: string, n: number) =>
    `user.info ${h} host:server: INFO : participant "guest${n % 400}" joined space ${n % 77} (conference ${n % 31})`,
  (h: string, n: number) =>
    `user.info ${h} host:server: INFO : call ${n % 997}: ending; local teardown, system participant count 0`,
  (h: string, n: number) =>
    `local0.info ${h} postgres[${1000 + (n % 90)}]: LOG:  checkpoint complete: wrote ${n % 300} buffers`,
  (h: string, n: number) =>
    `user.info ${h} host:server: INFO : conference ${n % 31}: media processing load ${n % 100}%`,
  (h: string, n: number) =>
    `user.info ${h} "webbridge": INFO : websocket connection ${n} from 10.20.${n % 200}.${n % 250} closed`,
];

/** An ordinary CMS line that carries no record (the bulk of a real log). */
export function chatterLine(at: number, host: string, n: number): string {
  return `${bsdStamp(at)} ${(CHATTER[n % CHATTER.length] as (h: string, n: number) => string)(host, n)}`;
}
