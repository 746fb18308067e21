/**
 * @module adapters/logfiles/sources
 * Expands the PATH arguments of `wbguard analyze` into the log sources to read: plain files, `.gz` files,
 * tar archives (`.tar`, `.tar.gz`, `.tgz`, CMS's `logbundle.tar.gz`), folders (recursively, in name order) and `-`
 * for standard input. A path that cannot be read is reported, never fatal.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type LogSourceKind = 'plain' | 'gzip' | 'tar' | 'tar-gzip' | 'stdin';

export interface LogSource {
  readonly kind: LogSourceKind;
  /** File path, or `-` for stdin. */
  readonly path: string;
  /** Modification time (epoch ms), used for the year of BSD stamps. */
  readonly mtimeMs: number;
  readonly size: number;
}

export interface SourceError {
  readonly path: string;
  readonly message: string;
}

/** Files that are certainly not text logs (CMS log bundles also carry databases and crash dumps). */
const SKIP_EXTENSIONS = /\.(zip|png|jpe?g|gif|db|sqlite|pcap|pcapng|dmp|core|bin|so|exe|pdf|xz|bz2|7z|json)$/i;

export function sourceKind(path: string): Exclude<LogSourceKind, 'stdin'> {
  if (/\.(tar\.gz|tgz)$/i.test(path)) {
    return 'tar-gzip';
  }
  if (/\.tar$/i.test(path)) {
    return 'tar';
  }
  if (/\.gz$/i.test(path)) {
    return 'gzip';
  }
  return 'plain';
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') {
    return 'no such file or folder';
  }
  if (e?.code === 'EACCES' || e?.code === 'EPERM') {
    return 'permission denied';
  }
  return e?.message ?? String(err);
}

async function walk(dir: string, out: LogSource[], errors: SourceError[]): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    errors.push({ path: dir, message: describe(err) });
    return;
  }
  for (const name of names) {
    if (name.startsWith('.')) {
      continue;
    }
    await addPath(join(dir, name), out, errors, true);
  }
}

async function addPath(path: string, out: LogSource[], errors: SourceError[], fromFolder: boolean): Promise<void> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) {
      await walk(path, out, errors);
    } else if (st.isFile()) {
      if (fromFolder && SKIP_EXTENSIONS.test(path)) {
        return;
      }
      out.push({ kind: sourceKind(path), path, mtimeMs: st.mtimeMs, size: st.size });
    } else if (!fromFolder) {
      errors.push({ path, message: 'not a file or folder' });
    }
  } catch (err) {
    errors.push({ path, message: describe(err) });
  }
}

/** Resolves PATH arguments into sources, in the order given (folders expanded in name order). */
export async function expandSources(
  paths: readonly string[],
  now: number,
): Promise<{ sources: LogSource[]; errors: SourceError[] }> {
  const sources: LogSource[] = [];
  const errors: SourceError[] = [];
  for (const p of paths) {
    if (p === '-') {
      sources.push({ kind: 'stdin', path: '-', mtimeMs: now, size: 0 });
    } else {
      await addPath(p, sources, errors, false);
    }
  }
  return { sources, errors };
}
