/**
 * The database a test runs on: in-memory SQLite, or — in the `postgres` test project — a new
 * PostgreSQL database copied from the migrated template (`postgres-setup.ts`), dropped when the
 * test destroys it. Each test has its own, whatever the order.
 */
import { randomUUID } from 'node:crypto';
import { sql, type CompiledQuery } from 'kysely';
import { inject } from 'vitest';
import { openDatabase, type Db } from '../../server/storage/database.ts';
import { isPostgres } from '../../server/storage/dialect.ts';
import { serverOf, TEMPLATE } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server the `postgres` project runs on (a superuser's address). */
    postgres?: string;
  }
}

/**
 * The PostgreSQL server of this run, if it is the `postgres` project's; none outside Vitest (a
 * script that builds a test platform: `npm run fuzz`, the session bench), where `inject` throws.
 */
const providedPostgres = () => (process.env.VITEST ? inject('postgres') : undefined);

/** Whether this test run is the PostgreSQL one. */
export const onPostgres = () => providedPostgres() !== undefined;

/**
 * A new, empty, migrated database for one test (`log`: told each query run, the migrations' too;
 * `via`: the PostgreSQL address the platform is given instead of the server's, a relay's).
 */
export async function testDatabase(
  options: { log?: (query: CompiledQuery) => void; via?: (url: string) => string } = {},
): Promise<Db> {
  const { via = (url: string) => url, ...opened } = options;
  const url = providedPostgres();
  if (!url) return openDatabase(':memory:', opened);
  const server = serverOf(url);
  const name = `test_${randomUUID().replaceAll('-', '')}`;
  await server.admin(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE} STRATEGY FILE_COPY`);
  const db = await openDatabase(via(server.urlOf(name)), { poolSize: 4, ...opened });
  const destroy = db.destroy.bind(db);
  db.destroy = async () => {
    await destroy();
    await server.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  return db;
}

/**
 * The audit log's disk is full: every new entry is refused by the database (a trigger), until
 * the returned function lifts it. For the tests of "no action without its entry".
 */
export async function auditDiskFull(db: Db): Promise<() => Promise<void>> {
  if (isPostgres(db)) {
    await sql`CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`.execute(
      db,
    );
    await sql`CREATE TRIGGER audit_full BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION disk_full()`.execute(
      db,
    );
    return async () => {
      await sql`DROP TRIGGER audit_full ON audit_event`.execute(db);
      await sql`DROP FUNCTION disk_full()`.execute(db);
    };
  }
  await sql`CREATE TRIGGER audit_full BEFORE INSERT ON audit_event BEGIN SELECT RAISE(ABORT, 'disk full'); END`.execute(
    db,
  );
  return async () => void (await sql`DROP TRIGGER audit_full`.execute(db));
}

/** What a database administrator can do: lift the audit tables' triggers (append-only, chain link). */
export async function liftAppendOnly(db: Db): Promise<void> {
  await sql.raw(`DROP TRIGGER audit_event_extends_chain${isPostgres(db) ? ' ON audit_event' : ''}`).execute(db);
  for (const t of ['audit_event', 'audit_checkpoint']) {
    if (isPostgres(db)) {
      await sql.raw(`DROP TRIGGER ${t}_append_only ON ${t}`).execute(db);
    } else {
      await sql.raw(`DROP TRIGGER ${t}_no_update`).execute(db);
      await sql.raw(`DROP TRIGGER ${t}_no_delete`).execute(db);
    }
  }
}

/**
 * `n` connections of the pool held at once, each running `each` then waiting until all have (a
 * barrier, no delay): on PostgreSQL, `n` server processes open together. Their results, in order.
 */
export async function atOnce<T>(db: Db, n: number, each: (conn: Db) => Promise<T>): Promise<T[]> {
  let arrived = 0;
  let all!: () => void;
  const allArrived = new Promise<void>((resolve) => (all = resolve));
  return Promise.all(
    Array.from({ length: n }, () =>
      db.connection().execute(async (conn) => {
        const result = await each(conn);
        if (++arrived === n) all();
        await allArrived;
        return result;
      }),
    ),
  );
}

/**
 * PostgreSQL: a transaction-wide advisory lock `key` taken and held from a connection of `db`'s
 * pool until the returned function is called (it resolves once the lock is let go).
 */
export async function holdAdvisoryLock(db: Db, key: number): Promise<() => Promise<void>> {
  let locked!: () => void;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (locked = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const holding = db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${key})`.execute(tx);
    locked();
    await released;
  });
  await held;
  return async () => {
    release();
    await holding;
  };
}
