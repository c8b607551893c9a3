import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Professionals as their tokens describe them (Pro Santé Connect claims), kept for the audit. */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('practitioner')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('idnps', 'text', (c) => c.notNull().unique())
      .addColumn('rpps', 'text')
      .addColumn('title', 'text')
      .addColumn('family_name', 'text', (c) => c.notNull())
      .addColumn('given_name', 'text')
      .addColumn('mssante', 'text')
      .addColumn('organization', 'text')
      .addColumn('first_seen', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('practitioner_role')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('practitioner_id', 'text', (c) => c.notNull().references('practitioner.id').onDelete('cascade'))
      .addColumn('profession_code', 'text', (c) => c.notNull())
      .addColumn('organization', 'text')
      // A profession no longer in the claims is kept, inactive: later records may point at it.
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addUniqueConstraint('practitioner_role_unique', ['practitioner_id', 'profession_code'])
      .execute();
  },
};
