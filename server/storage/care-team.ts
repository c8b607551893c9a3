/**
 * Care circles: participations of professionals' roles in a patient's circle, with their periods.
 * Joining while a member changes nothing; leaving ends the period; joining again starts a new one.
 * A participation may carry a function in the circle: `PCP`, the médecin traitant (one open per
 * patient, enforced by a partial unique index).
 */
import type { Db } from './database.ts';
import { readsTogether, row, rows } from './reads.ts';
import { keepAnswerQuery, keptAnswerQuery, type Scope } from './idempotency.ts';
import { newId } from './ids.ts';
import { patientQuery, type PatientRow } from './patients.ts';
import { prepared } from './prepared.ts';
import { writesTogether } from './writes.ts';
import type {
  CareParticipationTable,
  IdempotencyKeyTable,
  PractitionerRoleTable,
  PractitionerTable,
} from './schema.ts';

/** One participation, with its role and practitioner: all the circle's answer needs, in one query. */
export interface Member {
  participationId: string;
  start: string;
  end: string | null;
  /** TRE_R259 participation function (`PCP`: médecin traitant), or null. */
  functionCode: string | null;
  role: Pick<PractitionerRoleTable, 'id' | 'profession_code' | 'organization' | 'active'>;
  practitioner: Pick<
    PractitionerTable,
    'id' | 'idnps' | 'rpps' | 'title' | 'family_name' | 'given_name' | 'mssante' | 'organization'
  >;
}

/** Every participation of the patient's circle, past ones included, oldest first. */
export async function listCircle(db: Db, patientId: string): Promise<Member[]> {
  return (await circleOf(db, patientId)).rows.map(toMember);
}

/** A member from a row of `circleQuery`. */
export const toMember = (r: CircleRow): Member => ({
  participationId: r.participationId,
  start: r.start,
  end: r.end,
  functionCode: r.functionCode,
  ...roleAndPractitioner(r),
});

export type CircleRow = RoleAndPractitionerRow & Pick<Member, 'participationId' | 'start' | 'end' | 'functionCode'>;

type RoleAndPractitionerRow = {
  roleId: string;
  profession_code: string;
  roleOrganization: string | null;
  active: number;
} & {
  [K in keyof Member['practitioner'] as K extends 'id' ? 'practitionerId' : K]: Member['practitioner'][K];
};

/** A role and its practitioner as a circle's member shows them, from a row of the joined tables. */
const roleAndPractitioner = (r: RoleAndPractitionerRow): Pick<Member, 'role' | 'practitioner'> => ({
  role: { id: r.roleId, profession_code: r.profession_code, organization: r.roleOrganization, active: r.active },
  practitioner: {
    id: r.practitionerId,
    idnps: r.idnps,
    rpps: r.rpps,
    title: r.title,
    family_name: r.family_name,
    given_name: r.given_name,
    mssante: r.mssante,
    organization: r.organization,
  },
});

/** The columns `roleAndPractitioner` reads (`r`: the role, `p`: its practitioner). */
const ROLE_AND_PRACTITIONER = [
  'r.id as roleId',
  'r.profession_code',
  'r.organization as roleOrganization',
  'r.active',
  'p.id as practitionerId',
  'p.idnps',
  'p.rpps',
  'p.title',
  'p.family_name',
  'p.given_name',
  'p.mssante',
  'p.organization',
] as const;

/** The query of the patient's circle, oldest participation first (rows for `toMember`). */
export const circleQuery = (db: Db, patientId: string) =>
  db
    .selectFrom('care_participation as c')
    .innerJoin('practitioner_role as r', 'r.id', 'c.practitioner_role_id')
    .innerJoin('practitioner as p', 'p.id', 'r.practitioner_id')
    .select([
      'c.id as participationId',
      'c.start',
      'c.end',
      'c.function_code as functionCode',
      ...ROLE_AND_PRACTITIONER,
    ])
    .where('c.patient_id', '=', patientId)
    .orderBy('c.start')
    .orderBy('c.id');

const circleOf = prepared(circleQuery);

/** The open participations (current members) among a circle's. */
export const current = (members: readonly Member[]) => members.filter((m) => m.end === null);

/** An active role of a professional, with the professional, as a circle's member shows them. */
export type ActiveRole = Pick<Member, 'role' | 'practitioner'>;

/** The professional's active roles (one per profession in their token), first profession first. */
const activeRolesQuery = (db: Db, idnps: string) =>
  db
    .selectFrom('practitioner_role as r')
    .innerJoin('practitioner as p', 'p.id', 'r.practitioner_id')
    .select(ROLE_AND_PRACTITIONER)
    .where('p.idnps', '=', idnps)
    .where('r.active', '=', 1)
    .orderBy('r.profession_code');

/**
 * What a declaration reads before it decides, read together (`reads.ts`): the answer kept for its idempotency
 * key, the patient (undefined: unknown), the professional's active roles and the patient's circle
 * (every participation, oldest first).
 */
export async function declarationReads(
  db: Db,
  patientId: string,
  scope: Pick<Scope, 'idnps' | 'key'>,
): Promise<{ kept?: IdempotencyKeyTable; patient?: PatientRow; roles: ActiveRole[]; circle: Member[] }> {
  const { kept, patient, roles, circle } = await declarationRows(db, patientId, scope.idnps, scope.key);
  return { kept, patient, roles: roles.map(roleAndPractitioner), circle: circle.map(toMember) };
}

const declarationRows = readsTogether((db: Db, patientId: string, idnps: string, key: string) => ({
  kept: row(keptAnswerQuery(db, idnps, key)),
  patient: row(patientQuery(db, patientId)),
  roles: rows(activeRolesQuery(db, idnps)),
  circle: rows(circleQuery(db, patientId)),
}));

/** A participation of the role (with its function, if any) opened now, as a member and as its row. */
export function newParticipation(
  patientId: string,
  role: ActiveRole,
  now: Date,
  functionCode: string | null = null,
): { member: Member; row: CareParticipationTable } {
  const row = {
    id: newId(),
    patient_id: patientId,
    practitioner_role_id: role.role.id,
    start: now.toISOString(),
    end: null,
    function_code: functionCode,
  };
  return {
    row,
    member: { participationId: row.id, start: row.start, end: null, functionCode, ...role },
  };
}

/**
 * Opens a participation for the role (with its function, if any) unless one is open; the one
 * opened, if it did (a participation of the same role opened meanwhile: nothing).
 */
export async function joinCircle(
  db: Db,
  patientId: string,
  role: ActiveRole,
  now: Date,
  functionCode: string | null = null,
): Promise<Member | undefined> {
  const { member, row } = newParticipation(patientId, role, now, functionCode);
  return Number((await openParticipation(db, row)).numAffectedRows ?? 0) === 1 ? member : undefined;
}

const openParticipationQuery = (db: Db, row: CareParticipationTable) =>
  db
    .insertInto('care_participation')
    .values(row)
    // The partial unique index allows one open participation per patient and role.
    .onConflict((oc) => oc.columns(['patient_id', 'practitioner_role_id']).where('end', 'is', null).doNothing());

const openParticipation = prepared(openParticipationQuery);

/** Ends the open participations of these roles; how many it ended. */
export async function leaveCircle(db: Db, patientId: string, roleIds: readonly string[], now: Date): Promise<number> {
  if (roleIds.length === 0) return 0;
  return Number((await endParticipations(db, patientId, roleIds, now.toISOString())).numAffectedRows ?? 0);
}

const endParticipationsQuery = (db: Db, patientId: string, roleIds: readonly string[], end: string) =>
  db
    .updateTable('care_participation')
    .set({ end })
    .where('patient_id', '=', patientId)
    .where('practitioner_role_id', 'in', roleIds)
    .where('end', 'is', null);

const endParticipations = prepared(endParticipationsQuery);

/**
 * A declaration's change and the answer kept for its key, written together (`writes.ts`: one
 * statement on PostgreSQL): the rows each changed — `joined` 0, a participation of the role opened
 * meanwhile; `ended` fewer than asked, ended meanwhile; `kept` 0, the key answered meanwhile.
 */
export const joinAndKeep = writesTogether((tx: Db, row: CareParticipationTable, kept: IdempotencyKeyTable) => ({
  joined: openParticipationQuery(tx, row),
  kept: keepAnswerQuery(tx, kept),
}));

/** See `joinAndKeep`; at least one role. */
export const leaveAndKeep = writesTogether(
  (tx: Db, patientId: string, roleIds: readonly string[], end: string, kept: IdempotencyKeyTable) => ({
    ended: endParticipationsQuery(tx, patientId, roleIds, end),
    kept: keepAnswerQuery(tx, kept),
  }),
);
