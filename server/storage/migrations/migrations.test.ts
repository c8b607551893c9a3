/**
 * Migrations that rewrite what is already there: a database of an earlier version, with its audit
 * log, is migrated and keeps every entry as it was (SQLite rebuilds the audit table in 0015).
 */
import { DatabaseSync } from 'node:sqlite';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openAuditLog } from '../../audit/log.ts';
import { loadSigner } from '../../audit/signer.ts';
import { verifyAudit } from '../../audit/verify.ts';
import { professionalFromClaims } from '../../../src/core/psc.ts';
import { onPostgres } from '../../../test/support/database.ts';
import { devClaims } from '../../../test/support/tokens.ts';
import type { Db } from '../database.ts';
import { nodeSqliteDialect } from '../node-sqlite-dialect.ts';
import type { Database } from '../schema.ts';
import { migrate } from './index.ts';

const physician = (() => {
  const mapped = professionalFromClaims(devClaims('physician'));
  if (!mapped.ok) throw new Error('claims');
  return mapped.professional;
})();

describe.skipIf(onPostgres())('0015: the chain link checked by the database (SQLite: the audit table rebuilt)', () => {
  it('keeps every entry and checkpoint as it was; the chain verifies; the log stays append-only', async () => {
    const db: Db = new Kysely<Database>({ dialect: nodeSqliteDialect(new DatabaseSync(':memory:')) });
    await migrate(db as Kysely<unknown>, '0014_shared_state');
    const signer = await loadSigner({});
    const audit = await openAuditLog(db, signer, { checkpointEvery: 4 });
    for (let i = 0; i < 10; i++) {
      await audit.record({ kind: 'patient-search', actor: physician, patientId: `p${i}`, query: `identifier=${i}` });
    }
    await audit.close();
    const entries = () => db.selectFrom('audit_event').selectAll().orderBy('seq').execute();
    const before = await entries();
    const prevHashUnique = async () =>
      (await sql<{ unique: number; name: string }>`PRAGMA index_list(audit_event)`.execute(db)).rows.filter(
        (i) => i.unique && i.name !== 'sqlite_autoindex_audit_event_1',
      );
    expect(await prevHashUnique()).toHaveLength(1);

    await migrate(db as Kysely<unknown>);

    expect(await entries()).toEqual(before);
    expect(await prevHashUnique()).toHaveLength(0);
    expect(await verifyAudit(db, { trustedKeys: [signer.publicJwk] })).toMatchObject({
      ok: true,
      entries: 10,
      lastCheckpoint: 10,
    });
    await expect(sql`DELETE FROM audit_event WHERE seq = 2`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE audit_event SET kind = 'x' WHERE seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    const reopened = await openAuditLog(db, signer, { checkpointEvery: 4 });
    await reopened.record({ kind: 'patient-search', actor: physician, patientId: 'p10', query: 'identifier=10' });
    await reopened.close();
    expect(await verifyAudit(db, { trustedKeys: [signer.publicJwk] })).toMatchObject({ ok: true, entries: 11 });
    await db.destroy();
  });
});
