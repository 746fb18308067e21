/**
 * The store with a fleet's history: 50 clusters × 10 nodes (Web Bridge Stats every 60 s, Call Bridge STATS every
 * 5 min) × 30 days, into SQLite (the synchronous SqliteStore the daemon holds) and into a real PostgreSQL on
 * 127.0.0.1 (PgStore; fsync on, unlike the tests' server). Figures: ingest rate in batches of what a burst of
 * 100k records/s brings in the daemon's 50 ms between commits, store size, and one cluster's history queries
 * (minuteSeries over 24 h and 30 days at ~1,000 points; raw recordsSince/eachRecordSince over 24 h for
 * comparison). `scale` keeps a fraction of the clusters (the per-cluster queries read the same rows whatever the
 * fleet's size; ingest rate and size per record do not depend on it much).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgStore } from '../src/adapters/store/pg-store.js';
import { SqliteStore } from '../src/adapters/store/sqlite-store.js';
import { Secret } from '../src/app/config/secrets.js';
import type { CmsRecord } from '../src/core/model.js';
import { type Postgres, startPostgres } from '../test/helpers/postgres.js';
import { DAY, type FleetShape, fleetBatches, hostName, recordCount } from './lib/store-data.js';

/** 100k records/s (the ingest goal) × 50 ms (the daemon's commit interval). */
const BATCH = 5_000;
const QUERY_REPEATS = 7;
const POINTS = 1_000;

export interface StoreBenchOptions {
  readonly scale: number;
  readonly days: number;
  readonly runs: number;
}

export interface StoreFigures {
  readonly ingestPerSecond: number;
  readonly ingestSeconds: number;
  readonly stored: number;
  readonly sizeMb: number;
  readonly minutesMb: number | undefined;
  readonly day: number;
  readonly month: number;
  readonly rawDay: number;
  readonly rawDayEach: number;
  readonly rawDayRecords: number;
  readonly pointsDay: number;
  readonly pointsMonth: number;
}

export interface StoreBench {
  readonly shape: FleetShape;
  readonly records: number;
  readonly runs: number;
  readonly sqlite: StoreFigures;
  readonly postgres: StoreFigures;
}

/** What both stores answer, asynchronously or not, so one timing loop serves both. */
interface Probe {
  append(records: readonly CmsRecord[]): Promise<unknown> | unknown;
  series(hosts: readonly string[], from: number, to: number, bucket: number): Promise<number> | number;
  since(at: number): Promise<number> | number;
  each(at: number): Promise<number> | number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm-up, not counted
  const times: number[] = [];
  for (let i = 0; i < QUERY_REPEATS; i++) {
    const a = performance.now();
    await fn();
    times.push(performance.now() - a);
  }
  return Number(median(times).toFixed(1));
}

async function measure(
  probe: Probe,
  shape: FleetShape,
  size: () => Promise<{ total: number; minutes: number | undefined }>,
  count: () => Promise<number> | number,
) {
  const a = performance.now();
  for (const batch of fleetBatches(shape, BATCH)) {
    await probe.append(batch);
  }
  const ingestSeconds = (performance.now() - a) / 1000;
  const stored = await count();
  const { total, minutes } = await size();
  const hosts = Array.from({ length: shape.nodesPerCluster }, (_, n) => hostName(0, n));
  const bucket = (range: number) => Math.max(60_000, Math.round(range / POINTS));
  let pointsDay = 0;
  let pointsMonth = 0;
  const dayFrom = shape.end - DAY;
  const monthFrom = shape.end - shape.days * DAY;
  const day = await timeMs(async () => {
    pointsDay = await probe.series(hosts, dayFrom, shape.end, bucket(DAY));
  });
  const month = await timeMs(async () => {
    pointsMonth = await probe.series(hosts, monthFrom, shape.end, bucket(shape.days * DAY));
  });
  let rawDayRecords = 0;
  const rawDay = await timeMs(async () => {
    rawDayRecords = await probe.since(dayFrom);
  });
  const rawDayEach = await timeMs(() => probe.each(dayFrom));
  return {
    ingestPerSecond: Math.round(stored / ingestSeconds),
    ingestSeconds: Number(ingestSeconds.toFixed(1)),
    stored,
    sizeMb: Math.round(total / 2 ** 20),
    minutesMb: minutes === undefined ? undefined : Math.round(minutes / 2 ** 20),
    day,
    month,
    rawDay,
    rawDayEach,
    rawDayRecords,
    pointsDay,
    pointsMonth,
  };
}

async function runSqlite(shape: FleetShape): Promise<StoreFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-bench-store-'));
  const path = join(dir, 'wbguard.db');
  try {
    let store = new SqliteStore(path);
    const fileSize = () =>
      ['', '-wal', '-shm'].reduce((n, x) => n + (statSync(path + x, { throwIfNoEntry: false })?.size ?? 0), 0);
    return await measure(
      {
        append: (r) => store.appendRecords(r),
        series: (h, f, t, b) => store.minuteSeries(h, 'webbridge-stats', f, t, b)[0]?.t.length ?? 0,
        since: (at) => store.recordsSince(at).length,
        each: (at) => store.eachRecordSince(at, () => undefined),
      },
      shape,
      async () => {
        // Closing checkpoints the WAL into the file, so the size is the database's own.
        store.close();
        const total = fileSize();
        store = new SqliteStore(path);
        return { total, minutes: undefined };
      },
      () => store.countRecords(),
    ).finally(() => store.close());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runPostgres(server: Postgres, shape: FleetShape): Promise<StoreFigures> {
  const database = await server.createDatabase();
  const store = new PgStore({ url: server.url(database), password: Secret.of(server.password) });
  try {
    await store.migrate();
    return await measure(
      {
        append: (r) => store.appendRecords(r),
        series: async (h, f, t, b) => (await store.minuteSeries(h, 'webbridge-stats', f, t, b))[0]?.t.length ?? 0,
        since: async (at) => (await store.recordsSince(at)).length,
        each: (at) => store.eachRecordSince(at, () => undefined),
      },
      shape,
      async () => {
        // Autovacuum would have analysed tables this size by the time anyone looks at a chart.
        await server.query(database, 'VACUUM ANALYZE');
        const [r] = await server.query<{ total: string; minutes: string }>(
          database,
          "SELECT pg_database_size(current_database()) AS total, pg_total_relation_size('minutes') AS minutes",
        );
        return { total: Number(r?.total), minutes: Number(r?.minutes) };
      },
      () => store.countRecords(),
    );
  } finally {
    await store.close();
    await server.query('postgres', `DROP DATABASE ${database}`);
  }
}

function medianFigures(runs: readonly StoreFigures[]): StoreFigures {
  const first = runs[0] as StoreFigures;
  const m = (k: keyof StoreFigures) => median(runs.map((r) => Number(r[k])));
  return {
    ...first,
    ingestPerSecond: Math.round(m('ingestPerSecond')),
    ingestSeconds: m('ingestSeconds'),
    day: m('day'),
    month: m('month'),
    rawDay: m('rawDay'),
    rawDayEach: m('rawDayEach'),
  };
}

export async function benchStore(options: StoreBenchOptions): Promise<StoreBench> {
  const now = Date.now();
  const shape: FleetShape = {
    clusters: Math.max(1, Math.round(50 * options.scale)),
    nodesPerCluster: 10,
    days: options.days,
    end: now - (now % 60_000),
  };
  // Production-like: fsync and synchronous commit on (the tests turn fsync off), memory a small server would have.
  const server = await startPostgres({
    settings: { fsync: 'on', synchronous_commit: 'on', shared_buffers: '256MB', max_wal_size: '2GB' },
  });
  try {
    const sqlite: StoreFigures[] = [];
    const postgres: StoreFigures[] = [];
    for (let i = 0; i < options.runs; i++) {
      sqlite.push(await runSqlite(shape));
      postgres.push(await runPostgres(server, shape));
      console.error(
        `store bench: run ${i + 1}/${options.runs} done`,
        JSON.stringify({ sqlite: sqlite.at(-1), postgres: postgres.at(-1) }),
      );
    }
    return {
      shape,
      records: recordCount(shape),
      runs: options.runs,
      sqlite: medianFigures(sqlite),
      postgres: medianFigures(postgres),
    };
  } finally {
    await server.stop();
  }
}
