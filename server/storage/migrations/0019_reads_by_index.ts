import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Every read of a workflow finds its rows by an index, not by reading every patient's: a patient's
 * alerts (the record summary), notifications (their page) and break-glass sessions (their page);
 * the documents a session opened (the review), the session list newest first (the review); the
 * exams a professional may open, and the first use of a share code (the secretariat's follow-up).
 * Checked on the database itself: `server/storage/indexes.test.ts`.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    const indexes: [name: string, table: string, columns: string[]][] = [
      ['record_alert_patient', 'record_alert', ['patient_id']],
      ['patient_notification_patient', 'patient_notification', ['patient_id', 'at']],
      ['break_glass_patient', 'break_glass', ['patient_id', 'started_at']],
      ['break_glass_started', 'break_glass', ['started_at']],
      ['break_glass_read_session', 'break_glass_read', ['break_glass_id', 'at']],
      ['exam_access_professional', 'exam_access', ['idnps', 'granted_at']],
      ['exam_access_code', 'exam_access', ['share_code_id', 'granted_at']],
    ];
    for (const [name, table, columns] of indexes) {
      await db.schema.createIndex(name).on(table).columns(columns).execute();
    }
  },
};
