/**
 * The database connection itself, on PostgreSQL: named statements survive a table changed under
 * them; connections are kept however long idle.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { atOnce, onPostgres, testDatabase } from '../../test/support/database.ts';
import type { Db } from './database.ts';
import { prepared } from './prepared.ts';

let db: Db;
beforeEach(async () => {
  db = await testDatabase();
});
afterEach(async () => {
  await db.destroy();
});

const patient = prepared((db: Db, id: string) => db.selectFrom('patient').selectAll().where('id', '=', id));

describe.runIf(onPostgres())('named statements (PostgreSQL)', () => {
  it('are named anew when another instance’s migration changed their table', async () => {
    await db
      .insertInto('patient')
      .values({
        id: 'p1',
        ins: '280017500000011',
        ins_system: 'urn:oid:1.2.250.1.213.1.4.11',
        identity_status: 'QUAL',
        birth_name: 'ESSAI',
        given_names: 'UN',
        birth_date: '1980-01-01',
        sex: 'female',
      })
      .execute();
    // One connection throughout: it has the statement parsed when the table changes.
    const rows = await db.connection().execute(async (conn) => {
      expect((await patient(conn, 'p1')).rows).toHaveLength(1);
      await sql`ALTER TABLE patient ADD COLUMN later_column text`.execute(conn);
      return (await patient(conn, 'p1')).rows;
    });
    expect(rows[0]).toMatchObject({ id: 'p1', later_column: null });
  });
});

describe.runIf(onPostgres())('the connections (PostgreSQL)', () => {
  /** The server processes of `n` connections of the pool held at once. */
  const serverProcesses = async (n: number) =>
    (
      await atOnce(
        db,
        n,
        async (conn) => (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn)).rows[0]!.pid,
      )
    ).sort((a, b) => a - b);

  it('are kept however long they stay idle: no request after a quiet moment meets a cold server process', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const before = await serverProcesses(4);
      // An hour without a request (node-postgres closes a connection idle for 10 s by default).
      vi.advanceTimersByTime(3_600_000);
      expect(await serverProcesses(4)).toEqual(before);
    } finally {
      vi.useRealTimers();
    }
  });
});
