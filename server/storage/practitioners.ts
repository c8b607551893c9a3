/** Practitioners and their roles, written from the claims of their tokens (never from a request body). */
import { randomUUID } from 'node:crypto';
import type { Professional } from '../../src/core/protocol.ts';
import type { Db } from './database.ts';
import type { PractitionerRoleTable, PractitionerTable } from './schema.ts';

export interface PractitionerRecord {
  practitioner: PractitionerTable;
  roles: PractitionerRoleTable[];
}

export async function findPractitioner(db: Db, idnps: string): Promise<PractitionerRecord | undefined> {
  return (await findPractitioners(db, [idnps]))[0];
}

/** Several practitioners with their roles, in two queries (a care circle's members). */
export async function findPractitioners(db: Db, idnps: readonly string[]): Promise<PractitionerRecord[]> {
  if (idnps.length === 0) return [];
  const practitioners = await db.selectFrom('practitioner').selectAll().where('idnps', 'in', idnps).execute();
  if (practitioners.length === 0) return [];
  const roles = await db
    .selectFrom('practitioner_role')
    .selectAll()
    .where(
      'practitioner_id',
      'in',
      practitioners.map((p) => p.id),
    )
    .orderBy('profession_code')
    .execute();
  return practitioners.map((practitioner) => ({
    practitioner,
    roles: roles.filter((r) => r.practitioner_id === practitioner.id),
  }));
}

/**
 * Inserts or updates the practitioner and their roles; returns the practitioner's id. Role ids are
 * stable (one per profession): a profession the claims no longer list is made inactive, not deleted.
 */
export async function savePractitioner(db: Db, p: Professional, now = new Date()): Promise<string> {
  const at = now.toISOString();
  const fields = {
    rpps: p.rpps ?? null,
    title: p.title ?? null,
    family_name: p.familyName,
    given_name: p.givenName ?? null,
    mssante: p.mssante ?? null,
    organization: p.organization ?? null,
    updated_at: at,
  };
  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('practitioner')
      .values({ id: randomUUID(), idnps: p.idNps, first_seen: at, ...fields })
      .onConflict((oc) => oc.column('idnps').doUpdateSet(fields))
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.updateTable('practitioner_role').set({ active: 0 }).where('practitioner_id', '=', id).execute();
    for (const code of p.professions) {
      const role = { organization: p.organization ?? null, active: 1 };
      await tx
        .insertInto('practitioner_role')
        .values({ id: randomUUID(), practitioner_id: id, profession_code: code, ...role })
        .onConflict((oc) => oc.columns(['practitioner_id', 'profession_code']).doUpdateSet(role))
        .execute();
    }
    return id;
  });
}

/**
 * Records the professional of each authenticated request, writing only when their claims changed
 * since this process last wrote them (a request costs no write in the common case). Requests of
 * the same professional arriving while their claims are being written wait for that one write
 * (after a restart, a clinician's first requests come together: each writing the same row made
 * them wait on each other's lock, 25 ms each under load). A failed write is tried again by the
 * next request.
 */
export function practitionerRecorder(db: Db) {
  const written = new Map<string, { fingerprint: string; saved: Promise<void> }>();
  return (p: Professional): Promise<void> => {
    const fingerprint = JSON.stringify(p);
    const known = written.get(p.idNps);
    if (known?.fingerprint === fingerprint) return known.saved;
    if (written.size > 10_000) written.clear();
    const entry = { fingerprint, saved: savePractitioner(db, p).then(() => undefined) };
    written.set(p.idNps, entry);
    entry.saved.catch(() => {
      if (written.get(p.idNps) === entry) written.delete(p.idNps);
    });
    return entry.saved;
  };
}
