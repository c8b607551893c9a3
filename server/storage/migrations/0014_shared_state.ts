import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isPostgres } from '../dialect.ts';

/**
 * Several platform instances on one PostgreSQL (issue 20): what one process kept in memory is
 * shared. Leases (one instance at a time does the break-glass sweep, reads receipts); DPoP
 * proofs seen while fresh (a proof replayed at another instance is refused) — on PostgreSQL an
 * unlogged table: proofs live a minute, a server crash forgets them and costs no journal
 * write; the demo patient page's sessions, known by their token's hash.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform_lease')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('until', 'text', (c) => c.notNull())
      .execute();
    await (
      isPostgres(db)
        ? db.schema.createTable('dpop_proof').modifyFront(sql`unlogged`)
        : db.schema.createTable('dpop_proof')
    )
      .addColumn('jti', 'text', (c) => c.primaryKey())
      .addColumn('until', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dpop_proof_until').on('dpop_proof').column('until').execute();
    await db.schema
      .createTable('patient_page_session')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
      .addColumn('until', 'text', (c) => c.notNull())
      .execute();
  },
};
