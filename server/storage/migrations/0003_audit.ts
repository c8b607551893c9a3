import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { appendOnly, sequenceNumber } from './forms.ts';

/**
 * The audit log: append-only (triggers refuse UPDATE and DELETE), hash-chained (`prev_hash` →
 * `hash`, unique, so the chain cannot fork), with signed checkpoints of its head and the public
 * keys that signed them. `server/audit/` writes it; `npm run audit:verify` checks it.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_event')
      .addColumn('seq', sequenceNumber(db), (c) => c.primaryKey())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('recorded', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text')
      .addColumn('agent_idnps', 'text')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull().unique())
      // Not indexed: `prev_hash` unique already forbids a fork, and every index costs each write.
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_event_patient').on('audit_event').columns(['patient_id', 'seq']).execute();
    await db.schema.createIndex('audit_event_agent').on('audit_event').columns(['agent_idnps', 'seq']).execute();
    await db.schema
      .createTable('audit_checkpoint')
      .addColumn('seq', sequenceNumber(db), (c) => c.primaryKey())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('signed_at', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit_key')
      .addColumn('key_id', 'text', (c) => c.primaryKey())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    for (const table of ['audit_event', 'audit_checkpoint', 'audit_key']) await appendOnly(db, table);
  },
};
