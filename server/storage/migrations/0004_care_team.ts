import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Care circles (issue 6): one row per participation of a professional's role in a patient's
 * circle, with its period; leaving ends it, re-joining adds a new row (ANS `CDSCareTeam`). At most
 * one open participation per patient and role. And the answers to requests sent with an
 * `Idempotency-Key`, per professional, so that a replayed declaration changes nothing.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('care_participation')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
      .addColumn('practitioner_role_id', 'text', (c) => c.notNull().references('practitioner_role.id'))
      .addColumn('start', 'text', (c) => c.notNull())
      .addColumn('end', 'text')
      .execute();
    await sql
      .raw(
        'CREATE UNIQUE INDEX care_participation_open ON care_participation (patient_id, practitioner_role_id) WHERE "end" IS NULL',
      )
      .execute(db);
    await db.schema
      .createIndex('care_participation_patient')
      .on('care_participation')
      .columns(['patient_id', 'start'])
      .execute();
    await db.schema
      .createTable('idempotency_key')
      .addColumn('idnps', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_key_pk', ['idnps', 'key'])
      .execute();
  },
};
