import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isPostgres } from '../dialect.ts';

/** The advisory lock that orders the chain's writers ('AUDT'; migration 0017); the tests hold it too. */
export const CHAIN_LOCK = 0x41554454;
const GENESIS = '0'.repeat(64);

/**
 * PostgreSQL: whoever appends to the chain holds the chain's turn until its commit — the database
 * takes it, in the check of migration 0015, before it reads the entry the new one must extend.
 * An instance that knows the head (it wrote it) appends without reading it first: if another
 * instance wrote meanwhile, the check (or the key) refuses the entry and the instance reads the
 * head under the lock and writes again (`server/audit/log.ts`). Two writers are ordered by the lock
 * whether or not they read the head; the chain stays one. SQLite has one writer: nothing to add.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    if (!isPostgres(db)) return;
    await sql
      .raw(
        `CREATE OR REPLACE FUNCTION audit_event_extends_chain() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ` +
          `PERFORM pg_advisory_xact_lock(${CHAIN_LOCK}); ` +
          `IF NEW.prev_hash IS DISTINCT FROM coalesce((SELECT hash FROM audit_event WHERE seq = NEW.seq - 1), ` +
          `CASE WHEN NEW.seq = 1 THEN '${GENESIS}' END) THEN ` +
          `RAISE EXCEPTION 'audit_event % does not extend the chain', NEW.seq; END IF; RETURN NEW; END $$`,
      )
      .execute(db);
  },
};
