import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Receipts of MSSanté messages (RFC 3464 delivery, RFC 8098 read), matched by `Message-ID`. */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('mail_outbox').addColumn('delivered_at', 'text').execute();
    await db.schema.alterTable('mail_outbox').addColumn('read_at', 'text').execute();
  },
};
