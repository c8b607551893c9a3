import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Answers kept for idempotency keys are forgotten after a day (`forgetOldAnswers`, at housekeeping):
 * found by their date. Their dates grow as they are written, so each new answer lands at the end
 * of this index (no page written at a random place).
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('idempotency_key_created').on('idempotency_key').column('created_at').execute();
  },
};
