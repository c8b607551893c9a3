/**
 * Demo shared records (issue 8): for each synthetic demo patient, documents of several kinds (LOINC
 * types), one of them masked by the patient, and alerts. CASANOVA opposed break-glass; GIRARD did
 * not consent to her care circle. Fictitious content.
 */
import { DOCUMENT_KINDS } from '../../src/core/document-types.ts';
import type { Db } from '../storage/database.ts';
import { insertRecordIfAbsent } from '../storage/record.ts';
import type { RecordDocumentTable } from '../storage/schema.ts';
import { DEMO_PATIENTS } from './patients.ts';

const TYPES = DOCUMENT_KINDS;

const documentsFor = (patientId: string, name: string): RecordDocumentTable[] => {
  const doc = (
    n: number,
    type: keyof typeof TYPES,
    title: string,
    date: string,
    author: string,
    organization: string,
    content: string,
    masked = 0,
  ): RecordDocumentTable => ({
    id: `${patientId}-doc-${n}`,
    patient_id: patientId,
    type_code: TYPES[type].code,
    type_display: TYPES[type].display,
    title,
    date,
    author,
    organization,
    content: `${title.toUpperCase()}\n\nPatient(e) : ${name}\n\n${content}\n\nDocument de démonstration : patient fictif.`,
    masked,
  });
  return [
    doc(
      1,
      'summary',
      'Volet de synthèse médicale',
      '2026-09-02T08:00:00Z',
      'Dr Julien MOREAU',
      'CABINET DE DEMONSTRATION',
      'Antécédents : hypertension artérielle traitée. Traitement : amlodipine 5 mg/j. Pas d’allergie médicamenteuse connue hors pénicilline.',
    ),
    doc(
      2,
      'consultation',
      'Consultation de cardiologie',
      '2026-10-14T09:30:00Z',
      'Dr Hélène ROUSSEAU',
      'CENTRE HOSPITALIER DE DEMONSTRATION',
      'Dyspnée d’effort stade II. Échocardiographie : FEVG conservée. Pas de modification thérapeutique.',
    ),
    doc(
      3,
      'lab',
      'Bilan biologique',
      '2026-11-05T07:15:00Z',
      'Laboratoire Bio-Sud',
      'LABORATOIRE DE DEMONSTRATION',
      'Créatinine 78 µmol/L, DFG 82 mL/min. Kaliémie 4,1 mmol/L. HbA1c 5,6 %.',
    ),
    doc(
      4,
      'discharge',
      'Compte rendu d’hospitalisation',
      '2026-06-20T16:00:00Z',
      'Dr Paul LAMBERT',
      'CENTRE HOSPITALIER DE DEMONSTRATION',
      'Hospitalisation de 3 jours pour pneumopathie, traitée par amoxicilline-acide clavulanique remplacée par lévofloxacine (allergie). Évolution favorable.',
    ),
    doc(
      5,
      'prescription',
      'Ordonnance',
      '2026-11-06T10:00:00Z',
      'Dr Julien MOREAU',
      'CABINET DE DEMONSTRATION',
      'Amlodipine 5 mg : 1 cp le matin, 3 mois.',
    ),
    doc(
      6,
      'consultation',
      'Consultation de psychiatrie',
      '2026-08-11T14:00:00Z',
      'Dr Anne VIDAL',
      'CENTRE MEDICO-PSYCHOLOGIQUE DE DEMONSTRATION',
      'Entretien de suivi. Document que le patient a choisi de masquer.',
      1,
    ),
  ];
};

export async function seedDemoRecords(db: Db): Promise<void> {
  await insertRecordIfAbsent(db, {
    documents: DEMO_PATIENTS.flatMap((p) => documentsFor(p.id, `${p.given_names} ${p.birth_name}`)),
    alerts: DEMO_PATIENTS.map((p) => ({
      id: `${p.id}-alert-1`,
      patient_id: p.id,
      text: 'Allergie à la pénicilline (éruption, 2019)',
    })),
    consents: [
      { patient_id: 'demo-casanova', circle_access: 1, break_glass_opposed: 1, updated_at: '2026-01-01T00:00:00Z' },
      { patient_id: 'demo-girard', circle_access: 0, break_glass_opposed: 0, updated_at: '2026-01-01T00:00:00Z' },
    ],
  });
}
