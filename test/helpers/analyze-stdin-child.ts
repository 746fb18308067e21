/**
 * Child process for the stdin tests (test/adapters/logfiles/stdin-reader.test.ts): analyses its standard input as
 * `analyze -` does and prints the line counts, errors and bytes read as JSON. With `--nonblocking` it first makes Node's stream
 * of its standard input, which puts a pipe in non-blocking mode: the reader then meets EAGAIN whenever the pipe is
 * empty.
 */
import { analyzePaths } from '../../src/app/analyze/index.js';

if (process.argv.includes('--nonblocking')) {
  void process.stdin;
}
let bytes = 0;
// `--path P` analyses P instead of `-` (/dev/stdin: the same input, read as a named pipe or terminal).
const at = process.argv.indexOf('--path');
const path = at >= 0 ? (process.argv[at + 1] as string) : '-';
const { report, errors } = await analyzePaths([path], {
  year: 2026,
  workers: 0,
  onProgress: (done) => {
    bytes = done;
  },
});
process.stdout.write(JSON.stringify({ lines: report.lines, errors, bytes }));
