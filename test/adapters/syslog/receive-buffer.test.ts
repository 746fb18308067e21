/** The UDP receive buffer granted, from what SO_RCVBUF reports (receive-buffer.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grantedReceiveBuffer } from '../../../src/adapters/syslog/receive-buffer.js';

test('Linux reports twice what it grants (socket(7)); other systems what they grant', () => {
  assert.equal(grantedReceiveBuffer(8_388_608, 'linux'), 4_194_304);
  assert.equal(grantedReceiveBuffer(425_984, 'linux'), 212_992);
  assert.equal(grantedReceiveBuffer(4_194_304, 'darwin'), 4_194_304);
  assert.equal(grantedReceiveBuffer(4_194_304, 'freebsd'), 4_194_304);
});
