import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkHostPort, formatHostPort, parseHostPort } from '../../../src/app/config/host-port.js';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const ipv6 = fc.ipV6();
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const hostName = fc
  .array(label, { minLength: 1, maxLength: 4 })
  .map((l) => l.join('.'))
  .filter((h) => !/^[0-9.]+$/.test(h));
const port = fc.integer({ min: 1, max: 65535 });

test('formatHostPort and parseHostPort are inverses for IPv4, IPv6 and host names', () => {
  fc.assert(
    fc.property(fc.oneof(ipv4, ipv6, hostName), port, (host, p) => {
      const text = formatHostPort({ host, port: p });
      assert.deepEqual(parseHostPort(text, 22), { host, port: p });
      assert.ok(checkHostPort(text, 22).ok);
    }),
    { numRuns: 500 },
  );
});

test('a port outside 1-65535 is refused for a peer; 0 is allowed only for a listener', () => {
  fc.assert(
    fc.property(fc.oneof(ipv4, hostName), fc.integer({ min: 65536, max: 10_000_000 }), (host, p) => {
      assert.equal(checkHostPort(`${host}:${p}`, 22).ok, false);
    }),
    { numRuns: 200 },
  );
  assert.equal(checkHostPort('0.0.0.0:0', 514, 1).ok, false);
  assert.equal(checkHostPort('0.0.0.0:0', 514, 0).ok, true);
});

test('an IPv6 address without brackets is refused with the fix', () => {
  fc.assert(
    fc.property(
      ipv6.filter((a) => a.split(':').length > 2),
      (addr) => {
        const r = checkHostPort(addr, 22);
        assert.ok(!r.ok && /brackets/.test(r.problem), addr);
      },
    ),
    { numRuns: 200 },
  );
});
