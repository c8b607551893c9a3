/**
 * The patient's choices about their shared record: whether their care circle may open it, whether
 * they oppose break-glass. Until they choose, the defaults hold.
 */
import type { Db } from './database.ts';
import type { PatientOf } from './patients.ts';
import { prepared } from './prepared.ts';
import type { ConsentTable } from './schema.ts';

/** Until the patient says otherwise: their care circle may open the record; break-glass allowed. */
export const DEFAULT_CONSENT = { circle_access: 1, break_glass_opposed: 0 } as const;

export type Consent = Pick<ConsentTable, 'circle_access' | 'break_glass_opposed'> & { updated_at?: string };

/** The patient's choices, or the defaults (without `updated_at`) when they never chose. */
export async function consentOf(db: Db, patientId: string): Promise<Consent> {
  return (await consent(db, patientId)).rows[0] ?? DEFAULT_CONSENT;
}

/** The patient's choices, if they made any. */
export const consentQuery = (db: Db, patientId: PatientOf) =>
  db
    .selectFrom('consent')
    .select(['circle_access', 'break_glass_opposed', 'updated_at'])
    .where('patient_id', '=', patientId);

const consent = prepared(consentQuery);

export async function saveConsent(tx: Db, patientId: string, consent: Required<Consent>): Promise<void> {
  await tx
    .insertInto('consent')
    .values({ patient_id: patientId, ...consent })
    .onConflict((oc) => oc.column('patient_id').doUpdateSet(consent))
    .execute();
}
