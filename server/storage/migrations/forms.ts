/**
 * Where SQLite and PostgreSQL differ, a migration says both; these are the forms they share: the
 * audit tables' refusal of any change (SQLite `RAISE(ABORT)`, PostgreSQL a PL/pgSQL function, also
 * before `TRUNCATE`), the current time as SQLite writes it, and the audit sequence numbers' type.
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
