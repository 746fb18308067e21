/**
 * @module test/prove/lib/fuzz-properties
 * The fuzz properties, shared by the CI version (test/prove/fuzz.test.ts, fixed seeds, small budgets) and the long
 * one (prove/fuzz.ts, `npm run prove -- --only fuzz`). Each returns the number of inputs it tried.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createCmsApiClient } from '../../../src/adapters/cms-api/client.js';
import { SyslogFrameDecoder } from '../../../src/adapters/syslog/frame-decoder.js';
import { loadConfig, parseConfig } from '../../../src/app/config/index.js';
import { parsePayload } from '../../../src/core/parse/cms-payloads.js';
import { DEFAULT_JOIN_REFUSAL } from '../../../src/core/parse/join-refusal.js';
import { parseEnvelope } from '../../../src/core/parse/syslog-envelope.js';
import { WbguardError } from '../../../src/errors.js';

const SAMPLES = [
  '<14>Nov 24 10:00:01.250 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 37, c:120, d:83',
  '<14>1 2026-11-24T10:00:01.250Z cms1 host - - - STATS: {"CMA": "3/5", "callLegs": "4/6"}',
  'Feb 23 09:02:21.594 local0.info cms2 cli: User admin from 10.0.0.5:50022 issued command < webbridge restart>: permission granted',
  '2026-11-24T10:00:00+01:00 cms3 host:server: INFO : STATS: {"CMA": "0/0"}',
];

/** A real line with a random edit: cut, insertion of a hostile fragment, deletion, or one character replaced. */
export const mutatedLine = fc
  .tuple(
    fc.constantFrom(...SAMPLES),
    fc.nat(),
    fc.nat(),
    fc.constantFrom('\u0000', '<', '<999999>', '{', '"CMA": "', '9'.repeat(30), '-1', 'Stats ', ' ', '\uFFFD', '\n'),
    fc.integer({ min: 0, max: 3 }),
  )
  .map(([line, a, b, frag, op]) => {
    const i = a % (line.length + 1);
    const j = b % (line.length + 1);
    return op === 0
      ? line.slice(0, i)
      : op === 1
        ? line.slice(0, i) + frag + line.slice(i)
        : op === 2
          ? line.slice(0, Math.min(i, j)) + line.slice(Math.max(i, j))
          : line.slice(0, i) + String.fromCharCode(b % 65536) + line.slice(i + 1);
  });

const anyLine = fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), mutatedLine);

export function fuzzEnvelope(numRuns: number, seed: number): number {
  fc.assert(
    fc.property(anyLine, (line) => {
      const r = parseEnvelope(line, 'Europe/Berlin', () => Date.UTC(2026, 0, 1));
      if (r.ok) {
        const t = r.envelope.timestampMs;
        assert.ok(t === undefined || Number.isFinite(t), `timestamp ${t}`);
        assert.equal(typeof r.envelope.message, 'string');
        assert.ok(
          r.envelope.pri === undefined || (r.envelope.pri >= 0 && r.envelope.pri <= 191),
          `pri ${r.envelope.pri}`,
        );
      } else {
        assert.ok(r.reason.length > 0);
      }
    }),
    { numRuns, seed },
  );
  return numRuns;
}

export function fuzzPayloads(numRuns: number, seed: number): number {
  const payload = fc.oneof(
    anyLine,
    fc.jsonValue({ maxDepth: 3 }).map((v) => `STATS: ${JSON.stringify(v)}`),
    fc
      .tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }))
      .map(([cur, peak]) => `STATS: {"CMA": "${cur}/${peak}"}`),
    fc.tuple(fc.integer(), fc.integer(), fc.integer()).map(([n, c, d]) => `Stats ${n}, c:${c}, d:${d}`),
  );
  const count = (n: number) => Number.isSafeInteger(n) && n >= 0;
  fc.assert(
    fc.property(payload, (message) => {
      const r = parsePayload(message, DEFAULT_JOIN_REFUSAL);
      if (r.kind === 'webbridge-stats') {
        assert.ok(count(r.active) && count(r.connects) && count(r.disconnects), JSON.stringify(r));
      } else if (r.kind === 'callbridge-stats') {
        assert.ok(count(r.cma) && count(r.cmaPeak), JSON.stringify(r));
      } else if (r.kind === 'broken') {
        assert.ok(r.reason.length > 0);
      }
    }),
    { numRuns, seed },
  );
  return numRuns;
}

/** Messages a sender may frame: no LF inside (LF framing), any UTF-8 (octet counting), never empty. */
const message = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 200 })
  .filter((m) => m.trim() === m && m.length > 0);

function chunks(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    if (c > prev) {
      out.push(bytes.subarray(prev, c));
      prev = c;
    }
  }
  return out;
}

export function fuzzFraming(numRuns: number, seed: number): number {
  // Round trip: whatever the chunking, octet-counted and LF-framed streams give back exactly the messages sent.
  fc.assert(
    fc.property(
      fc.array(message, { minLength: 1, maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.boolean(),
      (msgs, cuts, octet) => {
        const lfSafe = msgs.map((m) => m.replace(/[\r\n]/g, ' ').trim()).filter((m) => m.length > 0);
        const sent = octet ? msgs.filter((m) => !/^[\r\n]/.test(m)) : lfSafe;
        if (sent.length === 0 || (!octet && /^\d/.test(sent[0] as string))) {
          return; // an LF stream starting with a digit is read as octet counting, by design (RFC 6587)
        }
        const wire = Buffer.concat(
          sent.map((m) => (octet ? Buffer.from(`${Buffer.byteLength(m)} ${m}`) : Buffer.from(`${m}\n`))),
        );
        const got: string[] = [];
        const d = new SyslogFrameDecoder(65_536, (m) => got.push(m));
        for (const c of chunks(wire, cuts)) {
          assert.deepEqual(d.push(c), { ok: true });
        }
        d.end();
        assert.deepEqual(got, sent);
      },
    ),
    { numRuns, seed },
  );
  // Garbage: never throws, never emits a message longer than the limit, and says when it gives up.
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (parts) => {
      const d = new SyslogFrameDecoder(256, (m) => assert.ok(Buffer.byteLength(m) <= 256 * 4, 'oversized message'));
      for (const p of parts) {
        const r = d.push(Buffer.from(p));
        if (!r.ok) {
          assert.ok(r.reason.length > 0);
          return;
        }
      }
      d.end();
    }),
    { numRuns, seed: seed + 1 },
  );
  return numRuns * 2;
}

const VALID_CONFIG = {
  cluster: 'lab',
  webbridges: [{ name: 'cms1', mmp: '10.0.0.11:22', hostKey: `SHA256:${'A'.repeat(43)}` }],
  callbridges: [{ name: 'cms1' }],
  mmp: { username: 'admin', password: 'env:PW' },
  restart: { maxPerDay: 1 },
  policy: { mode: 'dry-run', windows: [{ days: ['sat'], from: '02:00', to: '03:00' }] },
};

/** Replaces one value somewhere in the valid configuration by a random one. */
const mutatedConfig = fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([i, v]) => {
  const copy = JSON.parse(JSON.stringify(VALID_CONFIG)) as Record<string, unknown>;
  const paths: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (o: unknown) => {
    if (o && typeof o === 'object') {
      for (const k of Object.keys(o)) {
        paths.push([o as Record<string, unknown>, Array.isArray(o) ? Number(k) : k]);
        walk((o as Record<string, unknown>)[k]);
      }
    }
  };
  walk(copy);
  const [obj, key] = paths[i % paths.length] as [Record<string | number, unknown>, string | number];
  obj[key] = v;
  return copy;
});

/** Only coded errors may come out of the loader: anything else would be a crash with a stack for the operator. */
function codedOrNothing(f: () => void): void {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof WbguardError, `uncoded ${(err as Error).name}: ${(err as Error).message}`);
    assert.match(err.code, /^WBGUARD_ERR_/);
  }
}

export async function fuzzConfig(numRuns: number, seed: number): Promise<number> {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), mutatedConfig), (data) => {
      codedOrNothing(() => parseConfig(data, { env: { PW: 'x' } }));
    }),
    { numRuns, seed },
  );
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-fuzz-'));
  try {
    const file = join(dir, 'c.yaml');
    const yamlish = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc
        .array(
          fc.constantFrom(
            'a:',
            ' - ',
            '{',
            '}',
            '[',
            ']',
            '&x',
            '*x',
            '!!binary',
            '"',
            "'",
            '\n',
            '  ',
            '#',
            '? ',
            '<<: *x',
            'cluster: x',
            '~',
          ),
          { maxLength: 40 },
        )
        .map((p) => p.join('')),
    );
    await fc.assert(
      fc.asyncProperty(yamlish, async (text) => {
        writeFileSync(file, text);
        try {
          await loadConfig(file, { env: { PW: 'x' } });
        } catch (err) {
          assert.ok(err instanceof WbguardError, `uncoded ${(err as Error).name}: ${(err as Error).message}`);
        }
      }),
      { numRuns: Math.ceil(numRuns / 4), seed: seed + 1 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return numRuns + Math.ceil(numRuns / 4);
}

/** XML bodies a broken or hostile CMS API might send. */
const xmlBody = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), fc.string({ maxLength: 10 }))
    .map(
      ([v, up, total]) =>
        `<?xml version="1.0"?><status><softwareVersion>${v}</softwareVersion><uptimeSeconds>${up}</uptimeSeconds></status><callLegs total="${total}"><callLeg id="${v}"/></callLegs>`,
    ),
  fc.constantFrom(
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><status><softwareVersion>&b;</softwareVersion></status>',
    '<status><softwareVersion><x>1</x></softwareVersion></status>',
    '<callLegs total="NaN"><callLeg/></callLegs>',
    '<callLegs total="1e9"><callLeg id="a"/></callLegs>',
    `<status>${'<a>'.repeat(5000)}</status>`,
  ),
);

export async function fuzzXmlClient(numRuns: number, seed: number): Promise<number> {
  let body = '';
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const client = createCmsApiClient({
    url: `http://127.0.0.1:${port}/api/v1`,
    username: 'u',
    password: () => 'p',
    retries: 0,
    timeoutMs: 5000,
    pageSize: 50,
  });
  const finite = (n: number) => Number.isFinite(n) && n >= 0;
  try {
    await fc.assert(
      fc.asyncProperty(xmlBody, async (xml) => {
        body = xml;
        for (const call of [() => client.systemStatus(), () => client.countCallLegs()]) {
          try {
            const r = (await call()) as unknown as Record<string, unknown>;
            for (const [k, v] of Object.entries(r)) {
              if (typeof v === 'number') {
                assert.ok(finite(v), `${k} = ${v} from ${JSON.stringify(xml).slice(0, 200)}`);
              }
            }
          } catch (err) {
            assert.ok(err instanceof WbguardError, `uncoded ${(err as Error).name}: ${(err as Error).message}`);
          }
        }
      }),
      { numRuns, seed },
    );
  } finally {
    await client.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return numRuns;
}
