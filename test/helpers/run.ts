/**
 * Runs a program without blocking the event loop (servers under test live in this process), with a time limit.
 */
import { spawn } from 'node:child_process';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** Written to its standard input, then closed: in one go, or part by part with `pauseMs` between them. */
    input?: string | Buffer | ReadonlyArray<string | Buffer>;
    pauseMs?: number;
    /** Leave its standard input open after the input (closed when it ends): the program must end by itself. */
    keepInputOpen?: boolean;
    cwd?: string;
  } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ status, stdout, stderr });
    });
    child.stdin.on('error', () => {
      // a program that does not read its input closes the pipe early
    });
    void writeInput(child.stdin, options.input ?? '', options.pauseMs ?? 0, options.keepInputOpen === true);
  });
}

async function writeInput(
  stdin: NodeJS.WritableStream,
  input: string | Buffer | ReadonlyArray<string | Buffer>,
  pauseMs: number,
  keepOpen: boolean,
): Promise<void> {
  const parts = typeof input === 'string' || Buffer.isBuffer(input) ? [input] : input;
  for (const [i, part] of parts.entries()) {
    if (i > 0) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    if (!stdin.write(part)) {
      await new Promise((resolve) => stdin.once('drain', resolve));
    }
  }
  if (!keepOpen) {
    stdin.end();
  }
}
