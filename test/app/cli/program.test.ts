import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../../src/app/cli/program.js';
import { memoryIo } from '../../helpers/cli-io.js';

test('--help lists the verbs and exits 0', async () => {
  const io = memoryIo();
  const code = await runCli(['--help'], io);
  assert.equal(code, 0);
  assert.match(io.out(), /analyze/);
  assert.match(io.out(), /restart/);
});

test('an unknown verb is a usage error (exit 2)', async () => {
  const io = memoryIo();
  const code = await runCli(['no-such-verb'], io);
  assert.equal(code, 2);
  assert.match(io.err(), /unknown command/);
});

test('--version prints the package version', async () => {
  const io = memoryIo();
  assert.equal(await runCli(['--version'], io), 0);
  assert.match(io.out(), /^\d+\.\d+\.\d+/);
});
