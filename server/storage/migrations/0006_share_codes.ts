import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isPostgres } from '../dialect.ts';

/**
 * Imaging share codes (issue 7): exams (report and images link), codes stored only as keyed
 * hashes with their lifetime count of wrong attempts, wrong codes per professional and address
 * (throttling), and the access a redeemed code grants.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('imaging_exam')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
      .addColumn('performed_at', 'text', (c) => c.notNull())
      .addColumn('modality', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('report', 'text', (c) => c.notNull())
      .addColumn('images_url', 'text', (c) => c.notNull())
      .addColumn('organization', 'text', (c) => c.notNull())
      .addColumn('prescriber_name', 'text')
      .addColumn('prescriber_mssante', 'text')
      .execute();
    await db.schema
      .createTable('share_code')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('exam_id', 'text', (c) => c.notNull().references('imaging_exam.id'))
      .addColumn('locator_hash', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('single_use', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('wrong_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('revoked_at', 'text')
      .addColumn('sent_to', 'text')
      .execute();
    await db.schema.createIndex('share_code_locator').on('share_code').column('locator_hash').execute();
    await db.schema.createIndex('share_code_exam').on('share_code').column('exam_id').execute();
    await db.schema
      .createTable('share_attempt')
      .addColumn('id', isPostgres(db) ? 'serial' : 'integer', (c) =>
        isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('idnps', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('share_attempt_idnps').on('share_attempt').columns(['idnps', 'at']).execute();
    await db.schema.createIndex('share_attempt_address').on('share_attempt').columns(['address', 'at']).execute();
    await db.schema
      .createTable('exam_access')
      .addColumn('exam_id', 'text', (c) => c.notNull().references('imaging_exam.id'))
      .addColumn('idnps', 'text', (c) => c.notNull())
      .addColumn('granted_at', 'text', (c) => c.notNull())
      .addColumn('share_code_id', 'text', (c) => c.notNull().references('share_code.id'))
      .addPrimaryKeyConstraint('exam_access_pk', ['exam_id', 'idnps'])
      .execute();
  },
};
