/**
 * Every tampering a database administrator could try on the audit log — edit, delete, reorder,
 * truncate, rewrite, forge a checkpoint — is found by the verifier at the first broken entry.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { exportJWK } from 'jose';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { eachWithAuditLog, fillAudit } from '../../test/support/audit.ts';
import { liftAppendOnly } from '../../test/support/database.ts';
import { checkpointPayload, entryHash, GENESIS } from './chain.ts';
import { verifyAudit } from './verify.ts';

const log = eachWithAuditLog();

describe('tampering is detected, at the first broken entry', () => {
  beforeEach(async () => {
    await fillAudit(log.audit, 12);
    await liftAppendOnly(log.db);
  });

  it('one byte changed in an event', async () => {
    await sql`UPDATE audit_event SET resource = replace(resource, '"Patient/p6"', '"Patient/p7"') WHERE seq = 7`.execute(
      log.db,
    );
    expect((await verifyAudit(log.db)).problem).toMatchObject({ seq: 7, kind: 'hash' });
  });

  it('the event rewritten with the same meaning but not canonical (whitespace)', async () => {
    await sql`UPDATE audit_event SET resource = resource || ' ' WHERE seq = 2`.execute(log.db);
    expect((await verifyAudit(log.db)).problem).toMatchObject({ seq: 2, kind: 'hash' });
  });

  it('a search column changed (the patient)', async () => {
    await sql`UPDATE audit_event SET patient_id = 'someone-else' WHERE seq = 3`.execute(log.db);
    expect((await verifyAudit(log.db)).problem).toMatchObject({ seq: 3, kind: 'hash' });
  });

  it('an entry deleted', async () => {
    await sql`DELETE FROM audit_event WHERE seq = 4`.execute(log.db);
    const report = await verifyAudit(log.db);
    expect(report.problem).toMatchObject({ seq: 4, kind: 'gap' });
    expect(report.problem!.message).toBe('Entrée n° 4 manquante : la suivante est la n° 5 (suppression).');
  });

  it('two entries swapped', async () => {
    const [a, b] = await log.db
      .selectFrom('audit_event')
      .selectAll()
      .where('seq', 'in', [8, 9])
      .orderBy('seq')
      .execute();
    await sql`DELETE FROM audit_event WHERE seq IN (8, 9)`.execute(log.db);
    await log.db
      .insertInto('audit_event')
      .values([
        { ...b!, seq: 8 },
        { ...a!, seq: 9 },
      ])
      .execute();
    expect((await verifyAudit(log.db)).problem).toMatchObject({ seq: 8, kind: 'link' });
  });

  it('the tail truncated below a signed checkpoint', async () => {
    await sql`DELETE FROM audit_event WHERE seq > 8`.execute(log.db);
    expect((await verifyAudit(log.db)).problem).toMatchObject({ seq: 9, kind: 'truncated' });
  });

  it('the whole chain rewritten after an edit (hashes recomputed): the signed checkpoint disagrees', async () => {
    const rows = await log.db.selectFrom('audit_event').selectAll().orderBy('seq').execute();
    await sql`DELETE FROM audit_event`.execute(log.db);
    let prev = GENESIS;
    for (const row of rows) {
      const resource = row.seq === 2 ? row.resource.replace('Patient/p1', 'Patient/p9') : row.resource;
      const fields = { ...row, resource, prev_hash: prev };
      delete (fields as { hash?: string }).hash;
      const hash = entryHash(fields);
      await log.db
        .insertInto('audit_event')
        .values({ ...fields, hash })
        .execute();
      prev = hash;
    }
    expect((await verifyAudit(log.db)).problem).toMatchObject({ seq: 5, kind: 'checkpoint-hash' });
  });

  it('a forged checkpoint (signed by another key under the trusted key id)', async () => {
    const head = await log.db
      .selectFrom('audit_event')
      .select(['seq', 'hash'])
      .where('seq', '=', 12)
      .executeTakeFirstOrThrow();
    const [trusted] = await log.audit.publicKeys();
    const forged = { seq: 12, hash: head.hash, signed_at: new Date().toISOString(), key_id: trusted!.kid! };
    const { privateKey } = generateKeyPairSync('ed25519');
    await log.db
      .insertInto('audit_checkpoint')
      .values({ ...forged, signature: sign(null, checkpointPayload(forged), privateKey).toString('base64url') })
      .execute();
    expect((await verifyAudit(log.db, { trustedKeys: [trusted!] })).problem).toMatchObject({
      seq: 12,
      kind: 'checkpoint-signature',
    });
  });

  it('a checkpoint by a key the verifier does not trust', async () => {
    const other = { ...(await exportJWK(generateKeyPairSync('ed25519').publicKey)), kid: 'other' };
    expect((await verifyAudit(log.db, { trustedKeys: [other] })).problem).toMatchObject({
      seq: 5,
      kind: 'checkpoint-key',
    });
  });
});
