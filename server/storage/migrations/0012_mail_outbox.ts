import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * MSSanté messages leave by SMTP (issue 21): written here in the transaction of the action that
 * causes them (with its audit entry), delivered by the platform's worker, retried until the
 * gateway takes them or refuses them for good.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('message_id', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('share-code','break-glass-notice')`))
      .addColumn('ref', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending','sent','failed')`))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addColumn('failed_at', 'text')
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['state', 'next_at']).execute();
    await db.schema.createIndex('mail_outbox_ref').on('mail_outbox').column('ref').execute();
  },
};
