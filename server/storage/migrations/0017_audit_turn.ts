import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isPostgres } from '../dialect.ts';

/** The advisory lock that orders the chain's writers ('AUDT'; `audit-chain.ts`). */
const CHAIN_LOCK = 0x41554454;

/**
 * PostgreSQL: the chain's turn in one round trip — a function that takes the writers' lock and
 * then reads the head. It is VOLATILE, so its reading statement takes its snapshot after the lock
 * is granted and sees what the previous writer committed. SQLite has one writer: nothing to add.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    if (!isPostgres(db)) return;
    await sql
      .raw(
        `CREATE FUNCTION audit_head_for_append() RETURNS TABLE (seq bigint, hash text) LANGUAGE plpgsql VOLATILE AS $$ ` +
          `BEGIN PERFORM pg_advisory_xact_lock(${CHAIN_LOCK}); ` +
          `RETURN QUERY SELECT e.seq, e.hash FROM audit_event e ORDER BY e.seq DESC LIMIT 1; END $$`,
      )
      .execute(db);
  },
};
