import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isPostgres } from '../dialect.ts';
import { appendOnly, sequenceNumber } from './forms.ts';

/** The `prev_hash` of entry 1 (`server/audit/chain.ts` GENESIS). */
const GENESIS = '0'.repeat(64);

/**
 * The database itself refuses an audit entry that does not extend the chain: its `prev_hash` must
 * be the hash of entry `seq − 1` (the genesis value for entry 1), so no entry can be added out of
 * place, after a gap, or beside another (a fork: `seq` is the key). It replaces the unique index on
 * `prev_hash`, which only forbade two entries with one predecessor, and cost every entry a write at
 * a random place of that index (a page of the log at each commit); the check reads the previous
 * entry by its key, a page every commit already holds. On SQLite the unique constraint goes with
 * a rebuild of the table, in one transaction, entries copied as they are (their hashes unchanged:
 * `audit:verify` and the published checkpoints agree before and after).
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    if (isPostgres(db)) {
      await sql`ALTER TABLE audit_event DROP CONSTRAINT audit_event_prev_hash_key`.execute(db);
      await sql
        .raw(
          `CREATE FUNCTION audit_event_extends_chain() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ` +
            `IF NEW.prev_hash IS DISTINCT FROM coalesce((SELECT hash FROM audit_event WHERE seq = NEW.seq - 1), ` +
            `CASE WHEN NEW.seq = 1 THEN '${GENESIS}' END) THEN ` +
            `RAISE EXCEPTION 'audit_event % does not extend the chain', NEW.seq; END IF; RETURN NEW; END $$`,
        )
        .execute(db);
      await sql`CREATE TRIGGER audit_event_extends_chain BEFORE INSERT ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_extends_chain()`.execute(db);
      return;
    }
    await db.transaction().execute(async (tx) => {
      await tx.schema
        .createTable('audit_event_rebuilt')
        .addColumn('seq', sequenceNumber(tx), (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('recorded', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('patient_id', 'text')
        .addColumn('agent_idnps', 'text')
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await sql`INSERT INTO audit_event_rebuilt (seq, id, recorded, kind, patient_id, agent_idnps, mode, outcome, resource, prev_hash, hash)
        SELECT seq, id, recorded, kind, patient_id, agent_idnps, mode, outcome, resource, prev_hash, hash FROM audit_event ORDER BY seq`.execute(
        tx,
      );
      // Its triggers and indexes go with it (a DROP fires no DELETE trigger).
      await sql`DROP TABLE audit_event`.execute(tx);
      await sql`ALTER TABLE audit_event_rebuilt RENAME TO audit_event`.execute(tx);
      await tx.schema.createIndex('audit_event_patient').on('audit_event').columns(['patient_id', 'seq']).execute();
      await tx.schema.createIndex('audit_event_agent').on('audit_event').columns(['agent_idnps', 'seq']).execute();
      await appendOnly(tx, 'audit_event');
      await sql
        .raw(
          `CREATE TRIGGER audit_event_extends_chain BEFORE INSERT ON audit_event ` +
            `WHEN NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_event WHERE seq = NEW.seq - 1), ` +
            `CASE WHEN NEW.seq = 1 THEN '${GENESIS}' END) ` +
            `BEGIN SELECT RAISE(ABORT, 'audit_event does not extend the chain'); END`,
        )
        .execute(tx);
    });
  },
};
