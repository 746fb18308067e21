/**
 * Standard input drained by a thread of its own (stdin-reader.ts): every byte read, in order, whether the pipe is
 * written in one go or in bursts with pauses, and whether it is in blocking or non-blocking mode (another program,
 * or Node's own stream of it, may have made it so: reads then answer EAGAIN when it is empty). Real child
 * processes, real pipes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { STDIN_CHUNK_BYTES, STDIN_CHUNKS_HERE } from '../../../src/adapters/logfiles/stdin-reader.js';
import { run } from '../../helpers/run.js';

const CHILD = new URL('../../helpers/analyze-stdin-child.ts', import.meta.url).pathname;

/** `count` Web Bridge Stats lines from 1 October, one a second, each with a different connect count. */
function statsLines(count: number): string[] {
  const two = (n: number) => String(n).padStart(2, '0');
  return Array.from({ length: count }, (_, i) => {
    const t = new Date(Date.UTC(2026, 9, 1) + i * 1000);
    const stamp = `Oct ${String(t.getUTCDate()).padStart(2, ' ')} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}.001`;
    return `${stamp} user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 1, c:${i}, d:${i}\n`;
  });
}

/** Runs the child, writing `parts` into its standard input with `pauseMs` between them; answers its report. */
async function analyseThroughPipe(args: string[], parts: string[], pauseMs: number) {
  const r = await run(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    input: parts,
    pauseMs,
    timeoutMs: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as {
    lines: { read: number; webbridgeStats: number };
    errors: unknown[];
    bytes: number;
  };
}

for (const mode of ['blocking', 'nonblocking'] as const) {
  test(`standard input in ${mode} mode is read whole, in one go or in bursts`, async () => {
    // More than the chunks read before the reading thread starts (stdin-reader.ts: 8 of 1 MiB), bursts cut inside
    // lines, one of them across the hand-over to the thread.
    const lines = statsLines(140_000);
    const text = lines.join('');
    assert.ok(text.length > (STDIN_CHUNKS_HERE + 2) * STDIN_CHUNK_BYTES, `${text.length} bytes`);
    const cut = [text.slice(0, 100_000), text.slice(100_000, 8_500_000), text.slice(8_500_000)];
    const args = mode === 'nonblocking' ? ['--nonblocking'] : [];
    for (const parts of [[text], cut]) {
      const { lines: counts, errors, bytes } = await analyseThroughPipe(args, parts, 150);
      assert.deepEqual(errors, []);
      assert.equal(bytes, Buffer.byteLength(text), 'every byte read once');
      assert.equal(counts.read, lines.length);
      assert.equal(counts.webbridgeStats, lines.length, 'every Stats line read, none cut or read twice');
    }
  });
}

for (const path of ['-', '/dev/stdin']) {
  test(`standard input from a terminal (${path}) ends at the first Ctrl-D`, async () => {
    // A pseudo-terminal made by `script` (util-linux): the terminal answers Ctrl-D once with an empty read, and asked
    // again it waits for more typing.
    const line = statsLines(1)[0] as string;
    const command = `"${process.execPath}" --import tsx "${CHILD}" --path ${path}`;
    const r = await run('script', ['-qec', command, '/dev/null'], {
      input: [line, '\x04'],
      pauseMs: 1_000,
      // Left open: were a second Ctrl-D waited for, the child would wait until killed at the time limit.
      keepInputOpen: true,
      timeoutMs: 15_000,
    });
    assert.equal(r.status, 0, `ended by one Ctrl-D (${r.stdout} ${r.stderr})`);
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{"lines"')).trim()) as {
      lines: { webbridgeStats: number };
    };
    assert.equal(report.lines.webbridgeStats, 1);
  });
}
