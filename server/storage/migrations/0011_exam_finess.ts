import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Organisations by FINESS (issue 22): the imaging centre an exam belongs to, as its feed names it.
 * Exams stored before have none: no secretariat lists them until their feed says whose they are.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('imaging_exam').addColumn('organization_id', 'text').execute();
    await db.schema.createIndex('imaging_exam_organization').on('imaging_exam').column('organization_id').execute();
  },
};
