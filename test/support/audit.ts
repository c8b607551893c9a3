/** An audit log on a test database, and entries to fill it with: the audit suites' fixtures. */
import { afterEach, beforeEach } from 'vitest';
import { professionalFromClaims } from '../../src/core/psc.ts';
import { openAuditLog, type AuditLog } from '../../server/audit/log.ts';
import { loadSigner } from '../../server/audit/signer.ts';
import type { Db } from '../../server/storage/database.ts';
import { testDatabase } from './database.ts';
import { devClaims } from './tokens.ts';

/** The dev physician, as the audit log names an actor. */
export const physician = (() => {
  const mapped = professionalFromClaims(devClaims('physician'));
  if (!mapped.ok) throw new Error('claims');
  return mapped.professional;
})();

/** A new test database and its audit log (a checkpoint every 5 entries); `close()` ends both. */
export async function auditOnTestDatabase(): Promise<{ db: Db; audit: AuditLog; close(): Promise<void> }> {
  const db = await testDatabase();
  const audit = await openAuditLog(db, await loadSigner({}), { checkpointEvery: 5 });
  return {
    db,
    audit,
    async close() {
      await audit.close();
      await db.destroy();
    },
  };
}

/** `n` patient searches, one after another (entries 1…n on a new log, patient `p0`…). */
export async function fillAudit(audit: AuditLog, n: number) {
  for (let i = 0; i < n; i++) {
    await audit.record({ kind: 'patient-search', actor: physician, patientId: `p${i}`, query: `identifier=${i}` });
  }
}

/** For a suite: each test gets a new database and audit log (`log.db`, `log.audit`), ended after it. */
export function eachWithAuditLog() {
  const log = {} as { db: Db; audit: AuditLog };
  let close: () => Promise<void> = async () => {};
  beforeEach(async () => {
    ({ db: log.db, audit: log.audit, close } = await auditOnTestDatabase());
  });
  afterEach(() => close());
  return log;
}
