/**
 * PostgreSQL stores the platform's large values of its hot paths — the outbox's MSSanté messages,
 * the audit entries, an answer kept for replays — compressed with lz4,
 * several times faster to write than its default (migrations 0020, 0021). PostgreSQL only: SQLite
 * does not compress.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { physician } from '../../test/support/audit.ts';
import { onPostgres, testDatabase } from '../../test/support/database.ts';
import { openAuditLog } from '../audit/log.ts';
import { loadSigner } from '../audit/signer.ts';
import { verifyAudit } from '../audit/verify.ts';
import type { Db } from './database.ts';
import { remember } from './idempotency.ts';
import { LZ4_COLUMNS } from './migrations/0020_answers_lz4.ts';
import { AUDIT_LZ4_COLUMNS } from './migrations/0021_audit_lz4.ts';

describe.skipIf(!onPostgres())('large values of the hot paths are compressed with lz4', () => {
  let db: Db;
  beforeEach(async () => {
    db = await testDatabase();
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('a large answer kept for replays is stored lz4-compressed, and reads back as written', async () => {
    const members = Array.from({ length: 40 }, (_, i) => ({
      resource: { resourceType: 'PractitionerRole', id: randomUUID(), display: `Dr Membre ${i}` },
      search: { mode: 'include' },
    }));
    const json = JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: members });
    expect(json.length).toBeGreaterThan(4000);
    const scope = { idnps: '899700000001', key: randomUUID(), request: 'join p1' };
    await remember(db, scope, { status: 201, json }, new Date('2026-12-07T08:00:00Z'));
    const { rows } = await sql<{ method: string | null; response: string }>`
      SELECT pg_column_compression(response) AS method, response FROM idempotency_key WHERE key = ${scope.key}`.execute(
      db,
    );
    expect(rows).toEqual([{ method: 'lz4', response: json }]);
  });

  it('an audit entry of more than 2 KB is stored lz4-compressed, and the chain verifies', async () => {
    const audit = await openAuditLog(db, await loadSigner({}), { checkpointEvery: 1000 });
    try {
      // A break-glass reason as long as the form allows: the entry passes PostgreSQL's threshold.
      const recorded = await audit.record({
        kind: 'break-glass-start',
        actor: physician,
        patientId: 'p1',
        reason: 'Patient inconscient aux urgences, traitement en cours inconnu. '.repeat(40),
      });
      const { rows } = await sql<{ method: string | null; size: number }>`
        SELECT pg_column_compression(resource) AS method, length(resource) AS size
        FROM audit_event WHERE id = ${recorded.id}`.execute(db);
      expect(rows[0]!.size).toBeGreaterThan(2048);
      expect(rows[0]!.method).toBe('lz4');
      expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 1 });
    } finally {
      await audit.close();
    }
  });

  it('every column named in the migration compresses its new values with lz4', async () => {
    const { rows } = await sql<{ table: string; column: string; method: string }>`
      SELECT c.relname AS table, a.attname AS column, a.attcompression AS method
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 AND a.attcompression <> ''`.execute(db);
    expect(rows.sort((a, b) => a.table.localeCompare(b.table))).toEqual(
      [...AUDIT_LZ4_COLUMNS, ...LZ4_COLUMNS].map(([table, column]) => ({ table, column, method: 'l' })),
    );
  });
});
