import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { compressWithLz4 } from './forms.ts';

/**
 * The audit entry's FHIR `AuditEvent` passes PostgreSQL's 2 KB threshold for a summary read or a
 * declaration, and every audited request writes one: `pglz` took 3 % of PostgreSQL's CPU under
 * the record summary's load (BENCHMARKS.md, session 17). Compressed with lz4 from now on, as the
 * kept answers are (migration 0020). The chain's hashes are over the entry's text, which reads the
 * same whatever the compression.
 */
export const AUDIT_LZ4_COLUMNS = [['audit_event', 'resource']] as const;

export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [table, column] of AUDIT_LZ4_COLUMNS) await compressWithLz4(db, table, column);
  },
};
