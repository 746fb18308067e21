/** A child process speaking JSON lines on stdout: collects them and waits, bounded, for one that matches. */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface JsonLines {
  readonly lines: Array<Record<string, unknown>>;
  /** The first line from index `from` on that matches, waiting up to `ms`. */
  next(match: (l: Record<string, unknown>) => boolean, ms: number, from?: number): Promise<Record<string, unknown>>;
}

export function jsonLines(child: ChildProcess, name: string): JsonLines {
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (l) => {
      try {
        lines.push({ ...(JSON.parse(l) as Record<string, unknown>), receivedAt: Date.now() });
      } catch {
        lines.push({ event: 'unparsable', text: l });
      }
    });
  }
  return {
    lines,
    async next(match, ms, from = 0) {
      const end = Date.now() + ms;
      for (;;) {
        const found = lines.slice(from).find(match);
        if (found) {
          return found;
        }
        if (Date.now() > end || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `${name}: no matching line within ${ms} ms [exit:${child.exitCode}, signal:${child.signalCode}]\nstdout: ${JSON.stringify(lines)}\nstderr: ${stderr}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
