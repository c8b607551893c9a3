import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { compressWithLz4 } from './forms.ts';

/**
 * PostgreSQL compresses a value of more than 2 KB before it stores it, by default with its own
 * `pglz`. The platform writes such values on its hot paths: the answer kept for a declaration's
 * replays (its circle as FHIR, 20 KB for twenty members) and the MSSanté messages of the outbox.
 * `lz4` compresses them as well and several times faster (measured on this project's machine: a
 * 23 KB circle inserted in 141 µs instead of 271 µs; docs/scale.md, "Tuning the database"). New
 * values only; those already stored stay as they are and read the same. A server built without
 * lz4 keeps `pglz` (the change is skipped, nothing else differs). SQLite does not compress.
 */
export const LZ4_COLUMNS = [
  ['idempotency_key', 'response'],
  ['mail_outbox', 'raw'],
] as const;

export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [table, column] of LZ4_COLUMNS) await compressWithLz4(db, table, column);
  },
};
