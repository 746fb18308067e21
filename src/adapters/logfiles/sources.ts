/**
 * @module adapters/logfiles/sources
 * Expands the PATH arguments of `wbguard analyze` into the log sources to read: plain files, `.gz` files,
 * tar archives (`.tar`, `.tar.gz`, `.tgz`, CMS's `logbundle.tar.gz`), folders (recursively, in name order) and `-`
 * for standard input. A path that cannot be read is reported, never fatal.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';

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

/** Whether a folder's entry (file or folder) is passed over when the folder is listed: a hidden name (`.x`). */
export function isHiddenEntry(name: string): boolean {
  return name.startsWith('.');
}

/** Whether a file found in a folder is passed over as certainly not a text log (a file named is always read). */
export function isSkippedInFolder(path: string): boolean {
  return SKIP_EXTENSIONS.test(path);
}

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

/** Doubles a typed array's room, keeping what it holds. */
function grown<T extends Uint8Array | Float64Array>(a: T, make: (n: number) => T): T {
  const bigger = make(a.length * 2);
  bigger.set(a);
  return bigger;
}

/**
 * Sources held for a whole analysis, outside the JavaScript heap: their paths' bytes back to back in one buffer,
 * their kind, size and time in typed arrays; each made an object again when its group is read. An object a source
 * made 100,000 files ~14 MB of live heap, and, allocated among the walk's garbage, its small objects and strings held
 * on to pages V8 then could not give back: peak RSS grew ~1 KB a file (100,000 files of 5 KB: 216–224 MB).
 */
export class SourceList implements SourceSink {
  #length = 0;
  /** Path `i` is `#pathBytes[#pathEnds[i - 1] ?? 0, #pathEnds[i])`, UTF-8 (paths come from UTF-8: exact both ways). */
  #pathBytes = Buffer.allocUnsafeSlow(4096);
  #pathEnds = new Float64Array(64);
  #kinds = new Uint8Array(64);
  #sizes = new Float64Array(64);
  #mtimes = new Float64Array(64);

  push(source: LogSource): void {
    const i = this.#length;
    if (i === this.#kinds.length) {
      this.#pathEnds = grown(this.#pathEnds, (n) => new Float64Array(n));
      this.#kinds = grown(this.#kinds, (n) => new Uint8Array(n));
      this.#sizes = grown(this.#sizes, (n) => new Float64Array(n));
      this.#mtimes = grown(this.#mtimes, (n) => new Float64Array(n));
    }
    const start = this.#pathStart(i);
    const bytes = Buffer.byteLength(source.path, 'utf8');
    if (start + bytes > this.#pathBytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.#pathBytes.length * 2, start + bytes));
      this.#pathBytes.copy(bigger, 0, 0, start);
      this.#pathBytes = bigger;
    }
    this.#pathBytes.write(source.path, start, 'utf8');
    this.#pathEnds[i] = start + bytes;
    this.#kinds[i] = KINDS.indexOf(source.kind);
    this.#sizes[i] = source.size;
    this.#mtimes[i] = source.mtimeMs;
    this.#length++;
  }

  get length(): number {
    return this.#length;
  }

  pathAt(i: number): string {
    return this.#pathBytes.toString('utf8', this.#pathStart(i), this.#pathEnds[i]);
  }

  /** Where path `i`'s bytes begin: where the one before ends. */
  #pathStart(i: number): number {
    return i === 0 ? 0 : (this.#pathEnds[i - 1] as number);
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
      path: this.pathAt(i),
      mtimeMs: this.#mtimes[i] as number,
      size: this.sizeAt(i),
    };
  }

  /** Sources `from` to `to` (exclusive), as objects. */
  slice(from: number, to: number): LogSource[] {
    return Array.from({ length: Math.max(0, Math.min(to, this.length) - from) }, (_, k) => this.at(from + k));
  }
}

/**
 * Paths looked at between turns of the event loop. The walk asks the file system synchronously: awaited one by one,
 * `fs.promises.stat` cost ~60 µs a file in promise and thread-pool hand-overs (100,000 files: 6.6 s of a 7.6 s
 * analysis, against 0.8 s with `statSync`; 1,000 files: 123 against 13 ms), and in parallel it was still 3× the
 * synchronous time. A turn every so many keeps whatever else runs in this thread (a progress bar, signals) served.
 */
const PATHS_PER_TURN = 256;

/** One expansion's walk through the file system. */
class Walk {
  readonly #out: SourceSink;
  readonly #errors: SourceError[];
  #sinceTurn = 0;

  constructor(out: SourceSink, errors: SourceError[]) {
    this.#out = out;
    this.#errors = errors;
  }

  async addPath(path: string, fromFolder: boolean): Promise<void> {
    if (++this.#sinceTurn >= PATHS_PER_TURN) {
      this.#sinceTurn = 0;
      await turn();
    }
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch (err) {
      this.#errors.push({ path, message: describe(err) });
      return;
    }
    if (st.isDirectory()) {
      await this.#folder(path);
    } else if (st.isFile()) {
      if (!(fromFolder && isSkippedInFolder(path))) {
        this.#out.push({ kind: sourceKind(path), path, mtimeMs: st.mtimeMs, size: st.size });
      }
    } else if (!fromFolder && (st.isFIFO() || st.isCharacterDevice())) {
      // A pipe named on the command line (`analyze <(zcat …)`, /dev/stdin): read where it stands, to its end
      // (open-files.ts). In a folder it is passed over: nothing says it would ever end.
      this.#out.push({ kind: sourceKind(path), path, mtimeMs: st.mtimeMs, size: 0 });
    } else if (!fromFolder) {
      this.#errors.push({ path, message: 'not a file or folder' });
    }
  }

  async #folder(dir: string): Promise<void> {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      this.#errors.push({ path: dir, message: describe(err) });
      return;
    }
    for (const name of names) {
      if (!isHiddenEntry(name)) {
        await this.addPath(join(dir, name), true);
      }
    }
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
  const walk = new Walk(sources, errors);
  for (const p of paths) {
    if (p === '-') {
      sources.push({ kind: 'stdin', path: '-', mtimeMs: now, size: 0 });
    } else {
      await walk.addPath(p, false);
    }
  }
  return errors;
}
