import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { now } from './forms.ts';

export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('patient')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ins', 'text', (c) => c.notNull())
      .addColumn('ins_system', 'text', (c) => c.notNull())
      .addColumn('identity_status', 'text', (c) =>
        c.notNull().check(sql`identity_status in ('PROV','RECUP','VALI','QUAL')`),
      )
      .addColumn('birth_name', 'text', (c) => c.notNull())
      .addColumn('given_names', 'text', (c) => c.notNull())
      .addColumn('used_name', 'text')
      .addColumn('birth_date', 'text', (c) => c.notNull())
      .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('female','male')`))
      .addColumn('birth_place', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now(db)))
      .addUniqueConstraint('patient_ins_unique', ['ins_system', 'ins'])
      .execute();
    await db.schema.createIndex('patient_ins').on('patient').column('ins').execute();
  },
};
