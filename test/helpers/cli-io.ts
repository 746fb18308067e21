/** In-memory stdio for running CLI verbs in-process. */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/app/cli/io.js';

export function memoryIo(env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += c;
  });
  stderr.on('data', (c) => {
    err += c;
  });
  return { stdout, stderr, stdin: new PassThrough(), env, cwd: process.cwd(), out: () => out, err: () => err };
}
