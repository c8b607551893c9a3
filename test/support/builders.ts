/**
 * Test fixtures built by the test itself: a patient, their shared record, an imaging exam. Each
 * test file says what it needs (who, which documents, which consent) instead of relying on the
 * demo's seed, whose copy may change. Identities are synthetic INS **test** identities
 * (OID 1.2.250.1.213.1.4.10) with a correct key; unless given, each patient gets a fresh one.
 */
import { DOCUMENT_KINDS, type DocumentKind } from '../../src/core/document-types.ts';
import { INS_OID, insKey } from '../../src/core/ins.ts';
import type { Db } from '../../server/storage/database.ts';
import { insertExamsIfAbsent } from '../../server/storage/exams.ts';
import { findById, insertPatientIfAbsent, type PatientRow } from '../../server/storage/patients.ts';
import { insertRecordIfAbsent } from '../../server/storage/record.ts';
import type { ImagingExamTable, PatientTable } from '../../server/storage/schema.ts';

export interface PatientSpec {
  id?: string;
  ins?: string;
  birthName?: string;
  givenNames?: string;
  usedName?: string | null;
  birthDate?: string;
  sex?: 'female' | 'male';
  birthPlace?: string | null;
  identityStatus?: PatientTable['identity_status'];
}

/** A patient several test files meet: an INS test identity with its key, a used name, born in Calvados. */
export const LEFEVRE: PatientSpec = {
  id: 'lefevre',
  ins: '255081416802538',
  birthName: 'LEFÈVRE',
  givenNames: 'MARIE CLAIRE',
  usedName: 'MARTIN',
  birthDate: '1955-08-14',
  birthPlace: '14168',
};

let serial = 0;

/** A fresh INS test identity consistent with sex, birth date and birth place (13 digits + key). */
export function insFor(sex: 'female' | 'male', birthDate: string, birthPlace: string): string {
  serial = (serial % 999) + 1;
  const first13 = `${sex === 'female' ? 2 : 1}${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${birthPlace}${String(serial).padStart(3, '0')}`;
  return `${first13}${String(insKey(first13)).padStart(2, '0')}`;
}

export async function givenPatient(db: Db, spec: PatientSpec = {}): Promise<PatientRow> {
  const sex = spec.sex ?? 'female';
  const birthDate = spec.birthDate ?? '1970-01-15';
  const birthPlace = spec.birthPlace === undefined ? '75056' : spec.birthPlace;
  const id = spec.id ?? `patient-${++serial}`;
  await insertPatientIfAbsent(db, {
    id,
    ins: spec.ins ?? insFor(sex, birthDate, birthPlace ?? '99999'),
    ins_system: INS_OID.test,
    identity_status: spec.identityStatus ?? 'QUAL',
    birth_name: spec.birthName ?? 'TESTEUR',
    given_names: spec.givenNames ?? 'ALICE',
    used_name: spec.usedName ?? null,
    birth_date: birthDate,
    sex,
    birth_place: birthPlace,
  });
  return (await findById(db, id))!;
}

export interface DocumentSpec {
  id: string;
  type: DocumentKind;
  title: string;
  text?: string;
  date?: string;
  author?: string;
  organization?: string;
  /** Masked by the patient: nobody sees it, not even in break-glass. */
  masked?: boolean;
}

export interface RecordSpec {
  documents?: readonly DocumentSpec[];
  alerts?: readonly string[];
  /** Absent: the default consent (circle may open, break-glass allowed). */
  consent?: { circleAccess: boolean; breakGlassOpposed: boolean };
}

export async function givenRecord(db: Db, patientId: string, spec: RecordSpec): Promise<void> {
  await insertRecordIfAbsent(db, {
    documents: (spec.documents ?? []).map((d) => ({
      id: d.id,
      patient_id: patientId,
      type_code: DOCUMENT_KINDS[d.type].code,
      type_display: DOCUMENT_KINDS[d.type].display,
      title: d.title,
      date: d.date ?? '2026-10-01T08:00:00Z',
      author: d.author ?? 'Dr Test AUTEUR',
      organization: d.organization ?? 'CENTRE HOSPITALIER DE TEST',
      content: d.text ?? d.title,
      masked: d.masked ? 1 : 0,
    })),
    alerts: (spec.alerts ?? []).map((text, i) => ({ id: `${patientId}-alert-${i + 1}`, patient_id: patientId, text })),
    consents: spec.consent
      ? [
          {
            patient_id: patientId,
            circle_access: spec.consent.circleAccess ? 1 : 0,
            break_glass_opposed: spec.consent.breakGlassOpposed ? 1 : 0,
            updated_at: '2026-01-01T00:00:00Z',
          },
        ]
      : [],
  });
}

/** An exam needs its id and its imaging centre: name and FINESS (whose exam it is). */
export type ExamSpec = Partial<Omit<ImagingExamTable, 'patient_id'>> &
  Pick<ImagingExamTable, 'id' | 'organization'> & { organization_id: string };

export async function givenExam(db: Db, patientId: string, spec: ExamSpec): Promise<ImagingExamTable> {
  const exam: ImagingExamTable = {
    performed_at: '2026-11-20T09:30:00Z',
    modality: 'CT',
    title: 'Scanner de test',
    report: 'Compte rendu de test.',
    images_url: `/viewer/${spec.id}`,
    prescriber_name: null,
    prescriber_mssante: null,
    ...spec,
    patient_id: patientId,
  };
  await insertExamsIfAbsent(db, [exam]);
  return exam;
}
