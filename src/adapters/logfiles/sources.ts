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

/** Where expanded sources go: an array, or a SourceList. */
interface SourceSink {
  push(source: LogSource): void;
}

const KINDS: readonly LogSourceKind[] = ['plain', 'gzip', 'tar', 'tar-gzip', 'stdin'];

/**
 * Sources held for a whole analysis, compactly: a path string each, and their kind, size and time in typed arrays.
 * An object a source made 100,000 files ~14 MB of live heap, and V8 lets the heap grow to ~5 times what is live
 * between full collections: ~1 KB of RSS a file. Each source is made an object again when its group is read.
 */
export class SourceList implements SourceSink {
  readonly #paths: string[] = [];
  #kinds = new Uint8Array(64);
  #sizes = new Float64Array(64);
  #mtimes = new Float64Array(64);

  push(source: LogSource): void {
    const i = this.#paths.length;
    if (i === this.#kinds.length) {
      const grow = <T extends Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const bigger = make(a.length * 2);
        bigger.set(a);
        return bigger;
      };
      this.#kinds = grow(this.#kinds, (n) => new Uint8Array(n));
      this.#sizes = grow(this.#sizes, (n) => new Float64Array(n));
      this.#mtimes = grow(this.#mtimes, (n) => new Float64Array(n));
    }
    this.#paths.push(source.path);
    this.#kinds[i] = KINDS.indexOf(source.kind);
    this.#sizes[i] = source.size;
    this.#mtimes[i] = source.mtimeMs;
  }

  get length(): number {
    return this.#paths.length;
  }

  kindAt(i: number): LogSourceKind {
    return KINDS[this.#kinds[i] as number] as LogSourceKind;
  }

  sizeAt(i: number): number {
    return this.#sizes[i] as number;
  }

  at(i: number): LogSource {
    return {
      kind: this.kindAt(i),
      path: this.#paths[i] as string,
      mtimeMs: this.#mtimes[i] as number,
      size: this.sizeAt(i),
    };
  }

  /** Sources `from` to `to` (exclusive), as objects. */
  slice(from: number, to: number): LogSource[] {
    return Array.from({ length: Math.max(0, Math.min(to, this.length) - from) }, (_, k) => this.at(from + k));
  }
}

async function walk(dir: string, out: SourceSink, errors: SourceError[]): Promise<void> {
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

async function addPath(path: string, out: SourceSink, errors: SourceError[], fromFolder: boolean): Promise<void> {
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
  return { sources, errors: await expandInto(paths, now, sources) };
}

/** The same, into a SourceList (analyze, which may be given hundreds of thousands of files). */
export async function expandSourceList(
  paths: readonly string[],
  now: number,
): Promise<{ sources: SourceList; errors: SourceError[] }> {
  const sources = new SourceList();
  return { sources, errors: await expandInto(paths, now, sources) };
}

async function expandInto(paths: readonly string[], now: number, sources: SourceSink): Promise<SourceError[]> {
  const errors: SourceError[] = [];
  for (const p of paths) {
    if (p === '-') {
      sources.push({ kind: 'stdin', path: '-', mtimeMs: now, size: 0 });
    } else {
      await addPath(p, sources, errors, false);
    }
  }
  return errors;
}
