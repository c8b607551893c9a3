import { FhirError } from '../fhir/operation-outcome.ts';
import type { Db } from './database.ts';
import { prepared } from './prepared.ts';
import type { PatientTable } from './schema.ts';

export type PatientRow = Omit<PatientTable, 'created_at'> & { created_at: string };

/** Patients whose INS may be shared: qualified identities only (docs/domain.md). */
export async function findQualifiedByIns(db: Db, ins: string, system?: string): Promise<PatientRow[]> {
  return (await qualifiedByIns(db, ins, system || undefined)).rows;
}

const qualifiedByIns = prepared((db: Db, ins: string, system?: string) => {
  const query = db.selectFrom('patient').selectAll().where('ins', '=', ins).where('identity_status', '=', 'QUAL');
  return system === undefined ? query : query.where('ins_system', '=', system);
});

const byId = prepared((db: Db, id: string) => db.selectFrom('patient').selectAll().where('id', '=', id));

export async function findById(db: Db, id: string): Promise<PatientRow | undefined> {
  return (await byId(db, id)).rows[0];
}

/** The patient, or the API's one answer for an unknown one (404 "Patient inconnu."). */
export async function patientOr404(db: Db, id: string): Promise<PatientRow> {
  const row = await findById(db, id);
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
