/**
 * The bridge between Kysely and `node:sqlite` (`node-sqlite-dialect.ts`): rows come back from
 * SQLite as arrays and are made into objects by the bridge; every value and every column name
 * must arrive as SQLite gave it.
 */
import { DatabaseSync } from 'node:sqlite';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';

let db: Kysely<{ t: { n: number; s: string } }>;
beforeEach(() => {
  db = new Kysely({ dialect: nodeSqliteDialect(new DatabaseSync(':memory:')) });
});
afterEach(async () => {
  await db.destroy();
});

describe('rows read through node:sqlite', () => {
  it('carry every column with its value and type, row by row', async () => {
    await sql`CREATE TABLE t (n INTEGER, r REAL, s TEXT, b BLOB, z TEXT)`.execute(db);
    await sql`INSERT INTO t VALUES (1, 1.5, 'un', x'0102', NULL), (2, 2.5, 'deux', x'03', 'z')`.execute(db);
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM t ORDER BY n`.execute(db);
    expect(rows).toEqual([
      { n: 1, r: 1.5, s: 'un', b: new Uint8Array([1, 2]), z: null },
      { n: 2, r: 2.5, s: 'deux', b: new Uint8Array([3]), z: 'z' },
    ]);
    expect(Object.keys(rows[1]!)).toEqual(['n', 'r', 's', 'b', 'z']);
  });

  it('keep the last of two columns of the same name, as node:sqlite does', async () => {
    const { rows } = await sql<Record<string, unknown>>`SELECT 1 AS a, 2 AS a`.execute(db);
    expect(rows).toEqual([{ a: 2 }]);
  });

  it('never let a column named __proto__ set the row’s prototype', async () => {
    const { rows } = await sql<Record<string, unknown>>`SELECT 'x' AS __proto__, 1 AS n`.execute(db);
    expect(rows).toHaveLength(1);
    expect(Object.getOwnPropertyDescriptor(rows[0], '__proto__')?.value).toBe('x');
    expect(rows[0]!.n).toBe(1);
    expect(({} as Record<string, unknown>).n).toBeUndefined();
  });

  it('are the same when streamed', async () => {
    await sql`CREATE TABLE t (n INTEGER, s TEXT)`.execute(db);
    await sql`INSERT INTO t VALUES (1, 'un'), (2, 'deux')`.execute(db);
    const streamed = [];
    for await (const row of db.selectFrom('t').select(['n', 's']).orderBy('n').stream()) streamed.push(row);
    expect(streamed).toEqual([
      { n: 1, s: 'un' },
      { n: 2, s: 'deux' },
    ]);
  });

  it('report rows changed by a write, and none from a read', async () => {
    await sql`CREATE TABLE t (n INTEGER)`.execute(db);
    const written = await sql`INSERT INTO t VALUES (1), (2)`.execute(db);
    expect(written.numAffectedRows).toBe(2n);
    expect((await sql`SELECT n FROM t`.execute(db)).numAffectedRows).toBeUndefined();
  });
});
