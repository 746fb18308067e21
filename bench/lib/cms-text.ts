/**
 * @module bench/lib/cms-text
 * Writes CMS syslog lines from templates of our own (the shapes of shared/cms-reference.md §1–3), for the bundled
 * sample, the benchmark corpus and tests. Deliberately independent of src/core/parse, so that a parser bug cannot
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

export function auditLine(at: number, host: string, user: string, command: string): string {
  return `${bsdStamp(at)} local0.info ${host} cli: User ${user} from 127.0.0.1:50022 issued command < ${command}>: permission granted`;
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
