/**
 * @module adapters/logfiles/tail
 * Follows log files that a syslog server (rsyslog, syslog-ng) already writes, instead of listening: `files:` paths
 * with `*` and `?` in the file name. New lines are read by polling (portable, and robust to rotation): a file whose
 * inode changed or that shrank is read again from its start. Files found at start are followed from their end
 * (their past is for `wbguard analyze`); files that appear later are read from their start.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

interface Followed {
  ino: number;
  offset: number;
  partial: string;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
}

function expand(pattern: string): string[] {
  const dir = dirname(pattern);
  const name = basename(pattern);
  if (!/[*?]/.test(name)) {
    return [pattern];
  }
  const re = globToRegExp(name);
  try {
    return readdirSync(dir)
      .filter((f) => re.test(f))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export interface FileTailer {
  /** Reads what was appended since the last poll (also called by the timer). */
  poll(): void;
  close(): void;
}

export function tailFiles(
  patterns: readonly string[],
  onLine: (line: string, path: string) => void,
  options: { intervalMs?: number } = {},
): FileTailer {
  const files = new Map<string, Followed>();
  const buf = Buffer.allocUnsafe(1 << 20);
  let first = true;
  const poll = () => {
    for (const path of patterns.flatMap(expand)) {
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(path);
      } catch {
        files.delete(path);
        continue;
      }
      if (!st.isFile()) {
        continue;
      }
      let f = files.get(path);
      if (!f || f.ino !== st.ino || st.size < f.offset) {
        f = { ino: st.ino, offset: first && !f ? st.size : 0, partial: '' };
        files.set(path, f);
      }
      if (st.size <= f.offset) {
        continue;
      }
      const fd = openSync(path, 'r');
      try {
        for (
          let n = readSync(fd, buf, 0, buf.length, f.offset);
          n > 0;
          n = readSync(fd, buf, 0, buf.length, f.offset)
        ) {
          f.offset += n;
          const text = f.partial + buf.toString('utf8', 0, n);
          const lines = text.split('\n');
          f.partial = lines.pop() ?? '';
          for (const line of lines) {
            if (line) {
              onLine(line, path);
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    }
    first = false;
  };
  poll();
  const timer = setInterval(poll, options.intervalMs ?? 500);
  return {
    poll,
    close: () => clearInterval(timer),
  };
}
