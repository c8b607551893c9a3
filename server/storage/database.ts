/**
 * The platform's database: embedded SQLite in `DATA_DIR` (one hospital, one process, the default),
 * or PostgreSQL at `DATABASE_URL` (several platform instances on one primary; docs/scale.md). The
 * same Kysely queries and the same migrations serve both; the few places where the two differ are
 * named by `isPostgres` (`dialect.ts`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, type CompiledQuery, type LogEvent } from 'kysely';
import pg from 'pg';
import { allowFlights } from './flight.ts';
import { backgroundCheckpoints, type Checkpointer } from './checkpointer.ts';
import { fileSync, groupSync } from './group-sync.ts';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';
import { migrate } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export const databaseFile = (dataDir: string) => join(dataDir, 'passerelle.sqlite');

/** Whether a database location is a PostgreSQL address (`postgres://…`) rather than a folder. */
export const isPostgresUrl = (where: string) => /^postgres(?:ql)?:\/\//.test(where);

/** How a location is named in messages: the folder, or the PostgreSQL address without its password. */
export function describeLocation(where: string): string {
  if (!isPostgresUrl(where)) return databaseFile(where);
  const url = new URL(where);
  url.password = '';
  return url.toString();
}

/**
 * PostgreSQL's `bigint` (counts, sums) comes back as a number, as SQLite's integers do: every
 * count the platform makes stays far below 2⁵³.
 */
const TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
} as pg.CustomTypesConfig;

/** Options every database takes: `log`, told each query run (the tests of the queries' plans). */
interface Watched {
  log?: (query: CompiledQuery) => void;
}

/** Kysely's log option telling `log` each query run, if given. */
const logOf = ({ log }: Watched) => (log ? { log: (event: LogEvent) => log(event.query) } : {});

function postgres(url: string, options: { readOnly?: boolean; poolSize?: number } & Watched): Db {
  const size = options.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    // Connections opened are kept, however long idle (node-postgres closes one idle for 10 s by
    // default): a new one costs its connection and authentication, and its server process starts
    // cold — every named statement parsed and planned again (1.3 ms for the summary's reads), its
    // caches and memory mappings made again. The first request after a quiet moment paid for it.
    min: size,
    types: TYPES,
    // Every session in UTC; the verifier's sessions cannot write.
    options: `-c TimeZone=UTC${options.readOnly ? ' -c default_transaction_read_only=on' : ''}`,
    // A query is sent as soon as it is asked, without waiting for the answer to the one before
    // (node-postgres's pipeline mode): what `inOneFlight` relies on. Kysely still asks a
    // transaction's queries one after another, and a connection serves one user at a time.
    pipeline: true,
  });
  // A connection lost while idle (the server restarted, a failover) is dropped from the pool and
  // the next query opens another: it must not end the process (node-postgres emits it on the pool).
  pool.on('error', () => {});
  pool.on('connect', namedStatements);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...logOf(options) });
  allowFlights(db, pool, logOf(options));
  return db;
}

/** Names given to query texts, shared by the connections of every pool; at most `NAMED` of them. */
const names = new Map<string, string>();
let named = 0;
const NAMED = 1000;
/** PostgreSQL's refusal of a named statement whose table changed under it (another instance migrated). */
const STALE_PLAN = '0A000';

/**
 * PostgreSQL parses and plans an unnamed query each time it is sent; a named one once per
 * connection (node-postgres sends its text the first time only). Every query with parameters is
 * named after its text — Kysely, and `prepared`, make the same text for the same query. A statement
 * refused because its table changed under it is named anew for every later use, and sent again at
 * once unless it was in a transaction (which the refusal ended: the caller's transaction fails).
 */
function namedStatements(client: pg.PoolClient) {
  const query = client.query.bind(client) as (config: unknown, values?: unknown) => Promise<unknown>;
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name && names.size < NAMED) names.set(text, (name = `passerelle_${named++}`));
    return name;
  };
  (client as { query: unknown }).query = async (text: unknown, values?: unknown[]) => {
    const name = typeof text === 'string' && values?.length ? nameOf(text) : undefined;
    if (!name) return query(text, values);
    try {
      return await query({ name, text, values });
    } catch (error) {
      if ((error as { code?: string }).code !== STALE_PLAN) throw error;
      const fresh = `passerelle_${named++}`;
      names.set(text as string, fresh);
      if (client.getTransactionStatus() !== 'I') throw error;
      return query({ name: fresh, text, values });
    }
  };
}

/** Opens an existing database without writing to it (no migration): for `npm run audit:verify`. */
export function openDatabaseReadOnly(where: string): Db {
  if (isPostgresUrl(where)) return postgres(where, { readOnly: true, poolSize: 1 });
  const file = databaseFile(where);
  if (!existsSync(file)) throw new Error(`no database in ${where}`);
  return new Kysely<Database>({ dialect: nodeSqliteDialect(new DatabaseSync(file, { readOnly: true })) });
}

/**
 * Opens (and migrates) the platform's database: PostgreSQL when `where` is its address, else the
 * SQLite database in the folder `where`, or in memory (`:memory:`). On SQLite a write is answered
 * once its log is on the disk (`group-sync.ts`).
 */
export async function openDatabase(
  where: string,
  options: { poolSize?: number } & SqliteOptions & Watched = {},
): Promise<Db> {
  const db = isPostgresUrl(where) ? postgres(where, options) : sqlite(where, options);
  try {
    // Several instances starting together: Kysely's migrator takes a lock (on PostgreSQL, an advisory one).
    await migrate(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/** How SQLite's log reaches the disk and the file: the disk and a thread by default; tests give their own. */
interface SqliteOptions {
  syncFile?: typeof fileSync;
  checkpoints?: (file: string) => Checkpointer;
  /** Told when the checkpointer's thread fails (the writer's own checkpoint then copies the log). */
  onCheckpointError?: (error: Error) => void;
}

/** SQLite in `dataDir`; its log synced by `syncFile`, copied into the file by `checkpoints`. */
function sqlite(dataDir: string, options: SqliteOptions & Watched): Db {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = databaseFile(dataDir);
  }
  const database = new DatabaseSync(file);
  // WAL. A commit hands its pages to the kernel; the write is answered once the log is synced,
  // away from the event loop and one sync for the commits made meanwhile (`group-sync.ts`): an
  // acknowledged write survives a crash or power loss. In memory there is nothing to sync.
  // Reads: 64 MiB of pages kept (SQLite keeps 2 MiB by default: with millions of audit entries
  // every index insert read its page from the disk again), and the file read through memory
  // mapping (no system call per page; writes still go through the WAL). The log is copied into
  // the file by a thread of its own (`checkpointer.ts`); SQLite's automatic checkpoint stays, to
  // bound the log. docs/scale.md.
  database.exec(
    'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;' +
      ' PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;',
  );
  if (file === ':memory:') return new Kysely<Database>({ dialect: nodeSqliteDialect(database), ...logOf(options) });
  const durable = groupSync((options.syncFile ?? fileSync)(`${file}-wal`));
  const checkpoint = options.checkpoints?.(file) ?? backgroundCheckpoints(file, { onError: options.onCheckpointError });
  return new Kysely<Database>({ dialect: nodeSqliteDialect(database, { durable, checkpoint }), ...logOf(options) });
}
