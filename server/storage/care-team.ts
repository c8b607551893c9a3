/**
 * Care circles: participations of professionals' roles in a patient's circle, with their periods.
 * Joining while a member changes nothing; leaving ends the period; joining again starts a new one.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './database.ts';

export interface Member {
  participationId: string;
  start: string;
  end: string | null;
  roleId: string;
  professionCode: string;
  roleOrganization: string | null;
  practitionerId: string;
  idnps: string;
  rpps: string | null;
  title: string | null;
  familyName: string;
  givenName: string | null;
  mssante: string | null;
  organization: string | null;
}

/** Every participation of the patient's circle, past ones included, oldest first. */
export async function listCircle(db: Db, patientId: string): Promise<Member[]> {
  return db
    .selectFrom('care_participation as c')
    .innerJoin('practitioner_role as r', 'r.id', 'c.practitioner_role_id')
    .innerJoin('practitioner as p', 'p.id', 'r.practitioner_id')
    .select([
      'c.id as participationId',
      'c.start',
      'c.end',
      'r.id as roleId',
      'r.profession_code as professionCode',
      'r.organization as roleOrganization',
      'p.id as practitionerId',
      'p.idnps',
      'p.rpps',
      'p.title',
      'p.family_name as familyName',
      'p.given_name as givenName',
      'p.mssante',
      'p.organization',
    ])
    .where('c.patient_id', '=', patientId)
    .orderBy('c.start')
    .orderBy('c.id')
    .execute();
}

/** Whether the professional has an open participation in the patient's circle. */
export async function isMember(db: Db, patientId: string, idnps: string): Promise<boolean> {
  const row = await db
    .selectFrom('care_participation as c')
    .innerJoin('practitioner_role as r', 'r.id', 'c.practitioner_role_id')
    .innerJoin('practitioner as p', 'p.id', 'r.practitioner_id')
    .select('c.id')
    .where('c.patient_id', '=', patientId)
    .where('p.idnps', '=', idnps)
    .where('c.end', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** The professional's active roles (one per profession in their token), first profession first. */
export async function activeRoles(db: Db, idnps: string): Promise<string[]> {
  const rows = await db
    .selectFrom('practitioner_role as r')
    .innerJoin('practitioner as p', 'p.id', 'r.practitioner_id')
    .select('r.id')
    .where('p.idnps', '=', idnps)
    .where('r.active', '=', 1)
    .orderBy('r.profession_code')
    .execute();
  return rows.map((r) => r.id);
}

/** Opens a participation for the role unless one is open. */
export async function joinCircle(db: Db, patientId: string, roleId: string, now: Date): Promise<void> {
  await db
    .insertInto('care_participation')
    .values({
      id: randomUUID(),
      patient_id: patientId,
      practitioner_role_id: roleId,
      start: now.toISOString(),
      end: null,
    })
    // The partial unique index allows one open participation per patient and role.
    .onConflict((oc) => oc.columns(['patient_id', 'practitioner_role_id']).where('end', 'is', null).doNothing())
    .execute();
}

/** Ends the open participations of these roles. */
export async function leaveCircle(db: Db, patientId: string, roleIds: string[], now: Date): Promise<void> {
  if (roleIds.length === 0) return;
  await db
    .updateTable('care_participation')
    .set({ end: now.toISOString() })
    .where('patient_id', '=', patientId)
    .where('practitioner_role_id', 'in', roleIds)
    .where('end', 'is', null)
    .execute();
}
