/**
 * Where SQLite and PostgreSQL differ, a migration says both; these are the forms they share: the
 * audit tables' refusal of any change (SQLite `RAISE(ABORT)`, PostgreSQL a PL/pgSQL function, also
 * before `TRUNCATE`), the current time as SQLite writes it, the audit sequence numbers' type, and
 * a PostgreSQL column's compression set to lz4.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';

export async function appendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  if (isPostgres(db)) {
    await sql
      .raw(
        `CREATE OR REPLACE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
          `BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
          `FOR EACH ROW EXECUTE FUNCTION append_only()`,
      )
      .execute(db);
    await sql
      .raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} EXECUTE FUNCTION append_only()`)
      .execute(db);
    return;
  }
  for (const action of ['UPDATE', 'DELETE']) {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_${action.toLowerCase()} BEFORE ${action} ON ${table} ` +
          `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
      )
      .execute(db);
  }
}
/** The current time as SQLite's `CURRENT_TIMESTAMP` writes it (UTC, `YYYY-MM-DD HH:MM:SS`), on both. */
export const now = (db: Kysely<unknown>) =>
  isPostgres(db) ? sql`to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')` : sql`CURRENT_TIMESTAMP`;
export const sequenceNumber = (db: Kysely<unknown>) => (isPostgres(db) ? 'bigint' : 'integer');

/**
 * New values of `table`.`column` compressed with lz4 rather than PostgreSQL's `pglz` (values of
 * more than 2 KB are compressed; docs/scale.md, "Tuning the database"). Values already stored stay
 * as they are and read the same; a server built without lz4 keeps `pglz`. SQLite does not compress.
 */
export async function compressWithLz4(db: Kysely<unknown>, table: string, column: string): Promise<void> {
  if (!isPostgres(db)) return;
  await sql
    .raw(
      `DO $$ BEGIN ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION lz4; ` +
        `EXCEPTION WHEN feature_not_supported THEN NULL; END $$`,
    )
    .execute(db);
}
