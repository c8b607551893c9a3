import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The shared record (issue 8): documents (maskable by the patient), alerts, the patient's
 * consent and break-glass opposition, break-glass sessions with the documents they opened and
 * their review, and the patient's notifications.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('record_document')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
      .addColumn('type_code', 'text', (c) => c.notNull())
      .addColumn('type_display', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('organization', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('masked', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('record_document_patient')
      .on('record_document')
      .columns(['patient_id', 'date'])
      .execute();
    await db.schema
      .createTable('record_alert')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
      .addColumn('text', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('consent')
      .addColumn('patient_id', 'text', (c) => c.primaryKey().references('patient.id'))
      .addColumn('circle_access', 'integer', (c) => c.notNull())
      .addColumn('break_glass_opposed', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('break_glass')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
      .addColumn('idnps', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('reason_code', 'text', (c) => c.notNull())
      .addColumn('reason_text', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('reviewed_at', 'text')
      .addColumn('reviewed_by', 'text')
      .addColumn('review_comment', 'text')
      .execute();
    await db.schema.createIndex('break_glass_actor').on('break_glass').columns(['idnps', 'patient_id']).execute();
    await db.schema
      .createTable('break_glass_read')
      .addColumn('break_glass_id', 'text', (c) => c.notNull().references('break_glass.id'))
      .addColumn('document_id', 'text', (c) => c.notNull().references('record_document.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('patient_notification')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .execute();
  },
};
