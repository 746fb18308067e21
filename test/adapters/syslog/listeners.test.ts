/**
 * Syslog listeners fed by util-linux `logger` (a sender nobody here wrote) and by the simulator's sinks, over UDP,
 * TCP (LF and octet-counted) and TLS; allow-list; bad frames.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { SyslogFrameDecoder } from '../../../src/adapters/syslog/frame-decoder.js';
import { startSyslogListener, type Transport } from '../../../src/adapters/syslog/listeners.js';
import type { CmsRecord } from '../../../src/core/model.js';
import { createLineReader } from '../../../src/core/parse/index.js';
import { loadOrCreateCert } from '../../../src/sim/api/tls-cert.js';
import { createSink, parseSinkUrl } from '../../../src/sim/syslog/sinks.js';
import { webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { run } from '../../helpers/run.js';
import { until } from '../../helpers/until.js';
import { tempDir } from '../../sim/helpers.js';

const STATS = 'INFO : [DEBUGGING] Stats 42, c:100, d:58';

function collector() {
  const got: Array<{ message: string; sender: string; transport: Transport }> = [];
  return {
    got,
    onMessage: (message: string, sender: string, transport: Transport) => got.push({ message, sender, transport }),
  };
}

function record(message: string): CmsRecord | undefined {
  const out = createLineReader({ year: new Date().getUTCFullYear() }).read(message);
  return out.kind === 'record' ? out.record : undefined;
}

describe('syslog listeners', () => {
  const cases: Array<[string, Transport, string[]]> = [
    ['UDP, RFC 3164', 'udp', ['--udp', '--rfc3164']],
    ['UDP, RFC 5424', 'udp', ['--udp', '--rfc5424']],
    ['TCP octet-counted, RFC 5424', 'tcp', ['--tcp', '--octet-count', '--rfc5424']],
    ['TCP octet-counted, RFC 3164', 'tcp', ['--tcp', '--octet-count', '--rfc3164']],
  ];
  for (const [name, transport, flags] of cases) {
    test(`util-linux logger → ${name}: received and parsed as a Web Bridge Stats record`, async (t) => {
      const c = collector();
      const l = await startSyslogListener({ transport, host: '127.0.0.1', port: 0, onMessage: c.onMessage });
      t.after(() => l.close());
      const r = await run('logger', [
        ...flags,
        '--server',
        '127.0.0.1',
        '--port',
        String(l.port),
        '--tag',
        'webbridge',
        '--id=77',
        STATS,
      ]);
      assert.equal(r.status, 0, r.stderr);
      await until(() => c.got.length === 1);
      assert.equal(c.got[0]?.sender, '127.0.0.1');
      const rec = record(c.got[0]?.message ?? '');
      assert.equal(rec?.kind, 'webbridge-stats', c.got[0]?.message);
      assert.equal(rec?.kind === 'webbridge-stats' ? rec.active : -1, 42);
      assert.equal(l.counters.messages, 1);
    });
  }

  test('pause() stops reading TCP, also from a connection made while paused; resume() reads on, nothing lost', async (t) => {
    const c = collector();
    const l = await startSyslogListener({ transport: 'tcp', host: '127.0.0.1', port: 0, onMessage: c.onMessage });
    t.after(() => l.close());
    const first = connect(l.port, '127.0.0.1');
    t.after(() => first.destroy());
    first.write('one\n');
    await until(() => c.got.length === 1);
    l.pause();
    first.write('two\n');
    const second = connect(l.port, '127.0.0.1');
    t.after(() => second.destroy());
    second.write('three\n');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(c.got.length, 1, 'nothing read while paused');
    l.resume();
    await until(() => c.got.length === 3);
    assert.deepEqual(c.got.map((g) => g.message).sort(), ['one', 'three', 'two']);
  });

  for (const framing of ['lf', 'octet'] as const) {
    test(`the simulator's TCP sink (${framing}) → many CMS lines in order`, async (t) => {
      const c = collector();
      const l = await startSyslogListener({ transport: 'tcp', host: '127.0.0.1', port: 0, onMessage: c.onMessage });
      t.after(() => l.close());
      const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${l.port}${framing === 'octet' ? '?framing=octet' : ''}`));
      const t0 = Date.UTC(2026, 10, 20, 9, 0, 0);
      for (let i = 0; i < 500; i++) {
        sink.send('cms1', webBridgeStatsLine(t0 + i * 10_000, 'cms1', i % 150, i, i));
      }
      await until(() => c.got.length === 500);
      await sink.close();
      const actives = c.got.map((g) => record(g.message)).map((r) => (r?.kind === 'webbridge-stats' ? r.active : -1));
      assert.deepEqual(
        actives,
        Array.from({ length: 500 }, (_, i) => i % 150),
      );
    });
  }

  test('TLS (RFC 5425) from the simulator, verified against the listener certificate', async (t) => {
    const dir = tempDir(t);
    const cert = await loadOrCreateCert(join(dir, 'tls'));
    const c = collector();
    const l = await startSyslogListener({
      transport: 'tls',
      host: '127.0.0.1',
      port: 0,
      tls: { cert: cert.cert, key: cert.key },
      onMessage: c.onMessage,
    });
    t.after(() => l.close());
    const sink = createSink(parseSinkUrl(`tls://localhost:${l.port}?framing=octet&ca=${cert.certPath}`));
    sink.send('cms2', webBridgeStatsLine(Date.UTC(2026, 10, 20), 'cms2', 7, 8, 1));
    await until(() => c.got.length === 1);
    await sink.close();
    assert.equal(c.got[0]?.transport, 'tls');
    assert.equal(record(c.got[0]?.message ?? '')?.host, 'cms2');
  });

  test('senders outside the allow-list are counted and ignored', async (t) => {
    const c = collector();
    const l = await startSyslogListener({
      transport: 'udp',
      host: '127.0.0.1',
      port: 0,
      allow: ['10.0.0.0/8'],
      onMessage: c.onMessage,
    });
    t.after(() => l.close());
    await run('logger', ['--udp', '--server', '127.0.0.1', '--port', String(l.port), 'hello']);
    await until(() => l.counters.denied === 1);
    assert.equal(c.got.length, 0);
    const ok = await startSyslogListener({
      transport: 'tcp',
      host: '127.0.0.1',
      port: 0,
      allow: ['127.0.0.0/8'],
      onMessage: c.onMessage,
    });
    t.after(() => ok.close());
    await run('logger', ['--tcp', '--octet-count', '--server', '127.0.0.1', '--port', String(ok.port), 'hello']);
    await until(() => c.got.length === 1);
  });

  test('a bad frame closes that connection and is counted; other connections carry on', async (t) => {
    const c = collector();
    const l = await startSyslogListener({
      transport: 'tcp',
      host: '127.0.0.1',
      port: 0,
      maxFrameBytes: 1024,
      onMessage: c.onMessage,
    });
    t.after(() => l.close());
    const bad = connect({ host: '127.0.0.1', port: l.port });
    const closed = new Promise<void>((r) => bad.on('close', () => r()));
    bad.on('error', () => {});
    bad.write('99999 <14>too long for the limit');
    await closed;
    assert.equal(l.counters.badFrames, 1);
    const good = connect({ host: '127.0.0.1', port: l.port });
    good.write('<14>Nov 20 09:00:00 cms1 webbridge: Stats 1, c:1, d:0\n');
    await until(() => c.got.length === 1);
    good.end();
  });
});

describe('frame decoder', () => {
  test('octet counting with messages split anywhere, and LF framing with CRLF and a last unterminated line', () => {
    const out: string[] = [];
    const d = new SyslogFrameDecoder(100, (m) => out.push(m));
    const bytes = Buffer.from('5 hello11 hello world\n3 abc');
    for (const b of bytes) {
      assert.ok(d.push(Buffer.from([b])).ok);
    }
    assert.deepEqual(out, ['hello', 'hello world', 'abc']);
    const lf: string[] = [];
    const e = new SyslogFrameDecoder(100, (m) => lf.push(m));
    e.push(Buffer.from('<14>a\r\n<14>b\n<14>c'));
    e.end();
    assert.deepEqual(lf, ['<14>a', '<14>b', '<14>c']);
  });

  test('never throws on arbitrary bytes, and never holds more than the frame limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const d = new SyslogFrameDecoder(256, () => {});
        for (const c of chunks) {
          if (!d.push(Buffer.from(c)).ok) {
            return;
          }
        }
        d.end();
      }),
      { numRuns: 5000, seed: 9 },
    );
  });
});
