/**
 * What the kernel dropped at one UDP socket (kernel-drops.ts): the socket's own line of /proc/net/udp or udp6, found
 * by its address and port as the kernel prints them, so that another program's drops are never counted. Real
 * sockets on loopback: one bound in a worker thread whose event loop is held, so that its receive buffer fills.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, test } from 'node:test';
import { procUdpLocal, udpSocketDrops } from '../../../src/adapters/syslog/kernel-drops.js';
import { flood, heldSocket } from '../../helpers/held-udp-socket.js';

describe('procUdpLocal: an address as /proc/net/udp prints it', () => {
  test('IPv4, on a little-endian and a big-endian machine', () => {
    assert.deepEqual(procUdpLocal('127.0.0.1', 514, true), { file: '/proc/net/udp', local: '0100007F:0202' });
    assert.deepEqual(procUdpLocal('127.0.0.1', 514, false), { file: '/proc/net/udp', local: '7F000001:0202' });
    assert.deepEqual(procUdpLocal('0.0.0.0', 65535, true), { file: '/proc/net/udp', local: '00000000:FFFF' });
    assert.deepEqual(procUdpLocal('10.1.2.3', 1, true), { file: '/proc/net/udp', local: '0302010A:0001' });
  });

  test('IPv6: four 32-bit words, each in the machine’s byte order', () => {
    assert.equal(procUdpLocal('::1', 514, true)?.local, `${'0'.repeat(24)}01000000:0202`);
    assert.equal(procUdpLocal('::1', 514, false)?.local, `${'0'.repeat(24)}00000001:0202`);
    assert.equal(procUdpLocal('::', 514, true)?.local, `${'0'.repeat(32)}:0202`);
    assert.equal(procUdpLocal('::ffff:127.0.0.1', 514, true)?.local, `${'0'.repeat(16)}FFFF00000100007F:0202`);
    assert.equal(procUdpLocal('fe80::1:2%eth0', 514, true)?.local, '000080FE000000000000000002000100:0202');
    assert.equal(procUdpLocal('2001:db8::', 514, false)?.local, `20010DB8${'0'.repeat(24)}:0202`);
    assert.equal(procUdpLocal('::1', 514)?.file, '/proc/net/udp6');
  });

  test('what is not an IP address has no line', () => {
    assert.equal(procUdpLocal('localhost', 514), undefined);
    assert.equal(procUdpLocal('', 514), undefined);
  });
});

describe('udpSocketDrops: the kernel’s count at one socket', () => {
  for (const [type, address] of [
    ['udp4', '127.0.0.1'],
    ['udp6', '::1'],
  ] as const) {
    test(`${address}: what a socket nobody reads drops, counted at that socket only`, async () => {
      const held = await heldSocket(type, address);
      // A socket read all along on the same address: the other's drops are not its own.
      const read = createSocket(type);
      read.on('message', () => undefined);
      await new Promise<void>((r) => read.bind(0, address, r));
      try {
        assert.equal(udpSocketDrops(held.port, address), 0, 'nothing dropped before');
        await flood(type, address, held.port, 500);
        await flood(type, address, read.address().port, 50);
        const dropped = udpSocketDrops(held.port, address) as number;
        // A 4 KiB buffer (the kernel doubles it, and counts each datagram's overhead) holds a few of them.
        assert.ok(dropped > 400 && dropped <= 500, `${dropped} of 500 dropped`);
        assert.equal(udpSocketDrops(read.address().port, address), 0, 'the socket that was read dropped nothing');
      } finally {
        read.close();
        await held.release();
      }
      assert.equal(udpSocketDrops(held.port, address), undefined, 'no line once the socket is closed');
    });
  }
});
