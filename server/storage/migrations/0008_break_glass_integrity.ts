import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Issue 16: one open break-glass session per professional and patient, enforced by the database
 * (older duplicates, possible before, are closed at their start: they never gave more access
 * than the newest one); reviews become a history (one row per review, none overwritten).
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
    UPDATE break_glass SET ended_at = started_at
    WHERE ended_at IS NULL AND EXISTS (
      SELECT 1 FROM break_glass newer
      WHERE newer.idnps = break_glass.idnps AND newer.patient_id = break_glass.patient_id
        AND newer.ended_at IS NULL AND newer.started_at > break_glass.started_at)`.execute(db);
    await sql
      .raw('CREATE UNIQUE INDEX break_glass_open ON break_glass (idnps, patient_id) WHERE ended_at IS NULL')
      .execute(db);
    await db.schema
      .createTable('break_glass_review')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('break_glass_id', 'text', (c) => c.notNull().references('break_glass.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('reviewer_idnps', 'text', (c) => c.notNull())
      .addColumn('reviewer_name', 'text', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('break_glass_review_session')
      .on('break_glass_review')
      .columns(['break_glass_id', 'at'])
      .execute();
    await sql`
    INSERT INTO break_glass_review (id, break_glass_id, at, reviewer_idnps, reviewer_name, comment)
    SELECT 'migrated-' || id, id, reviewed_at, '', coalesce(reviewed_by, ''), coalesce(review_comment, '')
    FROM break_glass WHERE reviewed_at IS NOT NULL`.execute(db);
    for (const column of ['reviewed_at', 'reviewed_by', 'review_comment']) {
      await db.schema.alterTable('break_glass').dropColumn(column).execute();
    }
  },
};
