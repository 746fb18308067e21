/**
 * @module adapters/store/record-rows
 * How a CMS record becomes one row of the `records` table and back, shared by the SQLite and PostgreSQL stores so
 * both keep exactly the same columns and the same dedup key. A record is "the same" as another when its instant,
 * host, kind and values are equal: two wbguard instances fed the same syslog stream store each line once.
 */
import { createHash } from 'node:crypto';
import type { CmsRecord } from '../../core/model.js';

/** The columns of one record, in table order (without the dedup key). */
export interface RecordRow {
  readonly at: number;
  readonly host: string;
  readonly kind: string;
  readonly a: number | null;
  readonly b: number | null;
  readonly c: number | null;
  readonly extra: string | null;
}

/** JSON with object keys sorted, so equal values give equal text whatever order a parser produced them in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}

export function toRow(r: CmsRecord): RecordRow {
  switch (r.kind) {
    case 'webbridge-stats':
      return { at: r.at, host: r.host, kind: r.kind, a: r.active, b: r.connects, c: r.disconnects, extra: null };
    case 'callbridge-stats':
      return { at: r.at, host: r.host, kind: r.kind, a: r.cma, b: r.cmaPeak, c: null, extra: canonicalJson(r.raw) };
    case 'mmp-restart':
      return {
        at: r.at,
        host: r.host,
        kind: r.kind,
        a: null,
        b: null,
        c: null,
        extra: canonicalJson({ command: r.command, user: r.user ?? null }),
      };
    case 'join-refused':
      return { at: r.at, host: r.host, kind: r.kind, a: null, b: null, c: null, extra: null };
  }
}

/**
 * The dedup key: every column, led by the instant zero-padded to 15 digits, so keys sort in time order and the
 * unique index grows at its end as records arrive (a hash-first key scattered inserts over the whole index and cut
 * the ingest rate several times; docs/benchmarks.md). Only `extra` (a Call Bridge STATS payload, one line in many)
 * is hashed, to keep keys short. Equal records give equal keys. PostgreSQL de-duplicates on it; SQLite compares the
 * columns themselves (its migration to that, version 4, and the one before, still read it).
 */
export function recordKey(row: RecordRow): string {
  const extra = row.extra === null ? '' : createHash('sha256').update(row.extra).digest('base64url');
  return `${String(row.at).padStart(15, '0')}|${row.host}|${row.kind}|${row.a ?? ''}|${row.b ?? ''}|${row.c ?? ''}|${extra}`;
}

/** The row back as a record; undefined for a kind this version does not know (a newer writer's). */
export function fromRow(row: RecordRow): CmsRecord | undefined {
  switch (row.kind) {
    case 'webbridge-stats':
      return {
        kind: 'webbridge-stats',
        at: row.at,
        host: row.host,
        active: row.a ?? 0,
        connects: row.b ?? 0,
        disconnects: row.c ?? 0,
      };
    case 'callbridge-stats':
      return {
        kind: 'callbridge-stats',
        at: row.at,
        host: row.host,
        cma: row.a ?? 0,
        cmaPeak: row.b ?? 0,
        raw: row.extra ? (JSON.parse(row.extra) as Record<string, unknown>) : {},
      };
    case 'mmp-restart': {
      const x = row.extra
        ? (JSON.parse(row.extra) as { command: 'webbridge restart' | 'webbridge3 restart'; user: string | null })
        : { command: 'webbridge restart' as const, user: null };
      return { kind: 'mmp-restart', at: row.at, host: row.host, command: x.command, user: x.user ?? undefined };
    }
    case 'join-refused':
      return { kind: 'join-refused', at: row.at, host: row.host };
    default:
      return undefined;
  }
}

/**
 * Gives every record of a keyset-paged read, in (at, id) order: `readPage` returns the rows after `(at, id)`, an
 * empty page ends the read. `between` runs after each page (the SQLite wrapper yields to the event loop there).
 * Resolves with how many records were given.
 */
export async function eachInPages(
  from: number,
  readPage: (after: { at: number; id: number }) => Promise<ReadonlyArray<RecordRow & { id: number }>>,
  fn: (r: CmsRecord) => void,
  between?: () => Promise<void>,
): Promise<number> {
  let n = 0;
  let after = { at: from, id: -1 };
  for (;;) {
    const page = await readPage(after);
    for (const row of page) {
      const r = fromRow(row);
      if (r) {
        n += 1;
        fn(r);
      }
    }
    const last = page.at(-1);
    if (!last) {
      return n;
    }
    after = { at: last.at, id: last.id };
    await between?.();
  }
}
