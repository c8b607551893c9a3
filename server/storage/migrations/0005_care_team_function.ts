import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The médecin traitant (ANS CDS 2.0.1: TRE_R259 `PCP` in `careteam-roles-vs`): a participation
 * may carry this function; at most one open one per patient.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('care_participation').addColumn('function_code', 'text').execute();
    await sql
      .raw(
        'CREATE UNIQUE INDEX care_participation_pcp ON care_participation (patient_id) WHERE "end" IS NULL AND function_code = \'PCP\'',
      )
      .execute(db);
  },
};
