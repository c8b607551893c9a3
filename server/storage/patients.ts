import type { Db } from './database.ts';
import type { PatientTable } from './schema.ts';

export type PatientRow = Omit<PatientTable, 'created_at'> & { created_at: string };

/** Patients whose INS may be shared: qualified identities only (docs/domain.md). */
export function findQualifiedByIns(db: Db, ins: string, system?: string): Promise<PatientRow[]> {
  let query = db.selectFrom('patient').selectAll().where('ins', '=', ins).where('identity_status', '=', 'QUAL');
  if (system) query = query.where('ins_system', '=', system);
  return query.execute();
}

export function findById(db: Db, id: string): Promise<PatientRow | undefined> {
  return db.selectFrom('patient').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertPatientIfAbsent(db: Db, row: Omit<PatientTable, 'created_at'>): Promise<void> {
  await db
    .insertInto('patient')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}
