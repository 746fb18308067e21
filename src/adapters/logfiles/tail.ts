/**
 * @module adapters/logfiles/tail
 * Follows log files that a syslog server (rsyslog, syslog-ng) already writes, instead of listening: `files:` paths
 * with `*` and `?` in the file name. New lines are read by polling (portable, and robust to rotation): a file whose
 * inode changed or that shrank is read again from its start. Files found at the very first start are followed from
 * their end (their past is for `wbguard analyze`); files that appear later are read from their start. With a
 * `positionsPath`, where each file was read up to is kept (inode and offset of the last whole line), so a restart of
 * wbguard resumes there and nothing written while it was down is lost.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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

/** The files a `files[].path` names now (`*` and `?` in the file name), in name order. */
export function expand(pattern: string): string[] {
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
  options: {
    intervalMs?: number;
    positionsPath?: string;
    /** Called before positions are saved: the caller commits what it was given, so a crash loses nothing. */
    beforeSave?: () => void;
  } = {},
): FileTailer {
  const files = new Map<string, Followed>();
  const buf = Buffer.allocUnsafe(1 << 20);
  let first = true;
  const saved = loadPositions(options.positionsPath);
  // Positions kept from an earlier run: a file not in them appeared since, and is read from its start.
  const resumed = options.positionsPath !== undefined && existsSync(options.positionsPath);
  let dirty = false;
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
        const was = !f ? saved[path] : undefined;
        const resume = was && was.ino === st.ino && was.offset <= st.size ? was.offset : undefined;
        f = { ino: st.ino, offset: resume ?? (first && !resumed ? st.size : 0), partial: '' };
        files.set(path, f);
        dirty = true;
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
          dirty = true;
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
    if (dirty && options.positionsPath) {
      options.beforeSave?.();
      savePositions(options.positionsPath, files);
      dirty = false;
    }
  };
  poll();
  const timer = setInterval(poll, options.intervalMs ?? 500);
  return {
    poll,
    close: () => clearInterval(timer),
  };
}

type Positions = Record<string, { ino: number; offset: number }>;

function loadPositions(path: string | undefined): Positions {
  if (!path || !existsSync(path)) {
    return {};
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Positions;
  } catch {
    // A torn file: the files are followed from their end, as on a first start.
    return {};
  }
}

function savePositions(path: string, files: ReadonlyMap<string, Followed>): void {
  // The offset of the last whole line: a partial line is read again, whole, after a restart.
  const out: Positions = {};
  for (const [p, f] of files) {
    out[p] = { ino: f.ino, offset: f.offset - Buffer.byteLength(f.partial) };
  }
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(out), { mode: 0o600 });
  renameSync(tmp, path);
}
