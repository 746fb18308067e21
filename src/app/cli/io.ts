/**
 * @module app/cli/io
 * What a CLI verb may touch of the outside world, passed in so verbs can be run in-process by tests.
 */
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly stdin: Readable & { isTTY?: boolean };
  /**
   * `stdin` is this process' own standard input: `analyze -` then reads its descriptor directly
   * (adapters/logfiles/stdin-reader.ts), which Node's stream of it must not have been made for (it puts a pipe in
   * non-blocking mode).
   */
  readonly stdinIsProcess?: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made only when a verb asks for it (see stdinIsProcess).
    get stdin() {
      return process.stdin;
    },
    stdinIsProcess: true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Colour only on a TTY and never with NO_COLOR (https://no-color.org). */
export function useColour(io: CliIo, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  return Boolean(io[stream].isTTY) && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
}

/**
 * Writes text and waits until it has been handed to the stream, so the exit code never races the output. A reader
 * that has gone (EPIPE: `| head`) is not an error: there is nobody left to tell.
 */
export function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err && (err as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(err) : resolve()));
  });
}
