import type { Expression } from 'kysely';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { Db } from './database.ts';
import { prepared } from './prepared.ts';
import type { PatientTable } from './schema.ts';

export type PatientRow = Omit<PatientTable, 'created_at'> & { created_at: string };

/** Which patient a query is about: their id, or an expression giving it (the one a document names). */
export type PatientOf = string | Expression<string>;

/** Patients whose INS may be shared: qualified identities only (docs/domain.md). */
export async function findQualifiedByIns(db: Db, ins: string, system?: string): Promise<PatientRow[]> {
  return (await qualifiedByIns(db, ins, system || undefined)).rows;
}

const qualifiedByIns = prepared((db: Db, ins: string, system?: string) => {
  const query = db.selectFrom('patient').selectAll().where('ins', '=', ins).where('identity_status', '=', 'QUAL');
  return system === undefined ? query : query.where('ins_system', '=', system);
});

/** The patient with this id (or the id an expression gives). */
export const patientQuery = (db: Db, id: PatientOf) =>
  db
    .selectFrom('patient')
    .select([
      'id',
      'ins',
      'ins_system',
      'identity_status',
      'birth_name',
      'given_names',
      'used_name',
      'birth_date',
      'sex',
      'birth_place',
      'created_at',
    ])
    .where('id', '=', id);

const byId = prepared(patientQuery);

export async function findById(db: Db, id: string): Promise<PatientRow | undefined> {
  return (await byId(db, id)).rows[0];
}

/** The patient, or the API's one answer for an unknown one (404 "Patient inconnu."). */
export async function patientOr404(db: Db, id: string): Promise<PatientRow> {
  return known(await findById(db, id));
}

/** The patient read, or the 404 for an unknown one. */
export function known(row: PatientRow | undefined): PatientRow {
  if (!row) throw new FhirError(404, { code: 'not-found', text: 'Patient inconnu.', diagnostics: 'Patient not found' });
  return row;
}

export async function insertPatientIfAbsent(db: Db, row: Omit<PatientTable, 'created_at'>): Promise<void> {
  await db
    .insertInto('patient')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}
