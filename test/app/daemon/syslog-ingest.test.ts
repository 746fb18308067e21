/**
 * The daemon's syslog ingest (syslog-ingest.ts) takes chatter on its bytes, Stats lines from bytes and the rest as
 * text: over real sockets, its live state must end with the same line counts, unknown hosts and records, in the same
 * order, as a live state given every message as text (`ingest`), for random lines of every shape.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import { type SyslogListener, startSyslogListener, type Transport } from '../../../src/adapters/syslog/listeners.js';
import { LiveState } from '../../../src/app/daemon/live-state.js';
import { syslogIngest } from '../../../src/app/daemon/syslog-ingest.js';
import { ClusterAnalyzer } from '../../../src/core/analysis/index.js';
import type { CmsRecord } from '../../../src/core/model.js';
import { DEFAULT_JOIN_REFUSAL, type JoinRefusal, joinRefusalFrom } from '../../../src/core/parse/index.js';
import type { AsyncStore } from '../../../src/ports/async-store.js';
import { bsdStamp, chatterLine, webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { syslogLineIn } from '../../helpers/syslog-line-arbitrary.js';
import { until } from '../../helpers/until.js';

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

function recordingState(refusal: JoinRefusal = DEFAULT_JOIN_REFUSAL) {
  const stored: CmsRecord[] = [];
  const store = {
    async appendRecords(records: readonly CmsRecord[]) {
      stored.push(...records);
      return records.length;
    },
  } as unknown as AsyncStore;
  const state = new LiveState(store, new ClusterAnalyzer(), new Set(['cms1', 'cms2']), T0, { joinRefusal: refusal });
  return { state, stored };
}

function counter() {
  const byTransport = new Map<string, number>();
  return {
    byTransport,
    inc: ({ transport }: { transport: string }, n = 1) =>
      byTransport.set(transport, (byTransport.get(transport) ?? 0) + n),
  };
}

/** The same lines to both listeners over one TCP connection each, octet-counted, in a few large writes. */
async function sendTcp(port: number, lines: readonly string[]): Promise<void> {
  const s = connect({ host: '127.0.0.1', port });
  await new Promise<void>((r) => s.once('connect', r));
  const frames = lines.map((l) => `${Buffer.byteLength(l)} ${l}`);
  for (let i = 0; i < frames.length; i += 400) {
    s.write(frames.slice(i, i + 400).join(''));
  }
  await new Promise<void>((r) => s.end(r));
}

async function sendUdp(port: number, lines: readonly string[]): Promise<void> {
  const s = createSocket('udp4');
  for (const l of lines) {
    await new Promise<void>((r, j) => s.send(l, port, '127.0.0.1', (e) => (e ? j(e) : r())));
  }
  s.close();
}

/**
 * Lines at WARNING or ERROR level, as a fifth of some CMS logs are: most say nothing a record is made of (read on
 * their bytes, never decoded), some say what a refusal says in another case or hold `Stats` without its space (read
 * the general way: a refusal, or a Stats line), one has an envelope the bytes cannot vouch for (read, to be counted).
 */
function levelLine(at: number, i: number): string {
  const head = `${bsdStamp(at)} user.warning cms2`;
  switch (i % 7) {
    case 0:
      return `${head} host:server: ERROR : Join Refused for guest ${i}`;
    case 1:
      return `${head} "webbridge": WARN : SESSION LIMIT REACHED (149)`;
    case 2:
      return `${head} "webbridge": WARNING : [DEBUGGING] Stats\t${i % 149}, c:${i}, d:${i}`;
    case 3:
      return `Nov 20 garbage WARNING : no envelope here ${i}`;
    default:
      return `${head} host:server: WARNING : call ${i}: media jitter above threshold on leg ${i % 5}`;
  }
}

/**
 * Random lines stamped in T0's month, as a live stream is: the line reader carries the year of BSD stamps from the
 * months it sees, and on the byte paths it sees those of candidate lines only (as `analyze` does), so a stream that
 * jumped between December and January on chatter lines would be read into other years.
 */
function lines(count: number, seed: number): string[] {
  const random = fc.sample(syslogLineIn(['Nov']), { numRuns: count, seed }).filter((l) => l.length > 0);
  // CMS's own lines among them, so that every path is taken many times.
  const cms = Array.from({ length: count / 2 }, (_, i) =>
    i % 3 === 0
      ? `<14>${webBridgeStatsLine(T0 + i * 1000, `cms${(i % 3) + 1}`, i % 149, i, i)}`
      : i % 3 === 1
        ? `<14>${chatterLine(T0 + i * 1000, 'cms1', i)}`
        : `<12>${levelLine(T0 + i * 1000, i)}`,
  );
  return random.flatMap((l, i) => (i < cms.length ? [l, cms[i] as string] : [l]));
}

/**
 * Configured refusals (`analysis.joinRefused*`): in any line, by wordings the chatter holds; by a pattern without a
 * wording to search for (every level line read); at another level only.
 */
const CONFIGURED: ReadonlyArray<[string, JoinRefusal]> = [
  ['no levels', joinRefusalFrom({ patterns: ['media jitter above', 'leg 3'], levels: [] })],
  ['a pattern without a wording', joinRefusalFrom({ patterns: ['[jJ]itter|[rR][eE][fF]'], levels: ['ERROR', 'WARN'] })],
  ['no levels, no wording', joinRefusalFrom({ patterns: ['[jJ][iI][tT][tT][eE][rR]|refused'], levels: [] })],
  ['another level', joinRefusalFrom({ patterns: ['limit reached'], levels: ['WARN'] })],
];

const CASES: ReadonlyArray<[Transport, string, JoinRefusal]> = [
  ['tcp', 'the default refusal', DEFAULT_JOIN_REFUSAL],
  ['udp', 'the default refusal', DEFAULT_JOIN_REFUSAL],
  ...CONFIGURED.map(([name, refusal]): [Transport, string, JoinRefusal] => ['tcp', name, refusal]),
];

for (const [transport, name, refusal] of CASES) {
  test(`${transport}, ${name}: the byte paths end with the same counts and records as reading every message as text`, async (t) => {
    const sent = lines(transport === 'tcp' ? 4_000 : 600, transport === 'tcp' ? 11 : 12);
    const bytesWay = recordingState(refusal);
    const textWay = recordingState(refusal);
    const received = counter();
    const listeners: SyslogListener[] = [
      await startSyslogListener({
        transport,
        host: '127.0.0.1',
        port: 0,
        ...syslogIngest(bytesWay.state, received, () => T0),
      }),
      await startSyslogListener({
        transport,
        host: '127.0.0.1',
        port: 0,
        onMessage: (m: string, _s: string, _t: Transport) => textWay.state.ingest(m, T0),
      }),
    ];
    t.after(() => Promise.all(listeners.map((l) => l.close())));
    const send = transport === 'tcp' ? sendTcp : sendUdp;
    await Promise.all(listeners.map((l) => send(l.port, sent)));
    await until(
      () => listeners.every((l) => l.counters.messages === sent.length),
      15_000,
      `${sent.length} messages on both listeners`,
    );
    await Promise.all([bytesWay.state.flush(), textWay.state.flush()]);

    assert.deepEqual(bytesWay.state.lines, textWay.state.lines);
    assert.deepEqual([...bytesWay.state.unknownHosts], [...textWay.state.unknownHosts]);
    assert.deepEqual(bytesWay.stored, textWay.stored);
    assert.equal(received.byTransport.get(transport), sent.length, 'every message counted in the metric');
    // The byte paths were taken (but where every message must be read), and the general one too: the equality above
    // is about all three.
    const first = listeners[0] as SyslogListener;
    const everyMessage = name === 'no levels, no wording';
    assert.ok(
      everyMessage ? first.counters.unwanted === 0 : first.counters.unwanted > sent.length / 10,
      `unwanted ${first.counters.unwanted}`,
    );
    assert.ok(textWay.state.lines.webbridgeStats > 100 && textWay.state.lines.malformed > 50);
    // Refusals (said in another case, at the levels configured, or anywhere) were read all the same.
    assert.ok(bytesWay.stored.filter((r) => r.kind === 'join-refused').length > 10);
  });
}
