/**
 * Demo imaging exams (issue 7), for the synthetic demo patients: a report in plain text and a link
 * to the demo images viewer. Prescribed by the demo physician, so that a code sent "to the
 * prescriber" lands in the demo webmail.
 */
import { DEMO_FINESS, DEV_PROFESSIONALS } from '../identity/dev-professionals.ts';
import type { Db } from '../storage/database.ts';
import { insertExamsIfAbsent } from '../storage/exams.ts';
import type { ImagingExamTable } from '../storage/schema.ts';

export const DEMO_IMAGING_CENTRE = 'CENTRE D’IMAGERIE DE DEMONSTRATION';
const physician = DEV_PROFESSIONALS[0]!;

const exam = (
  id: string,
  patient: string,
  performedAt: string,
  modality: string,
  title: string,
  report: string,
): ImagingExamTable => ({
  id,
  patient_id: patient,
  performed_at: performedAt,
  modality,
  title,
  report,
  images_url: `/demo/viewer/${id}`,
  organization: DEMO_IMAGING_CENTRE,
  organization_id: DEMO_FINESS.imaging,
  prescriber_name: `Dr ${physician.givenName} ${physician.familyName}`,
  prescriber_mssante: physician.mssante,
});

export const DEMO_EXAMS: readonly ImagingExamTable[] = [
  exam(
    'exam-lefevre-ct',
    'demo-lefevre',
    '2026-11-20T09:30:00Z',
    'CT',
    'Scanner thoracique sans injection',
    `SCANNER THORACIQUE SANS INJECTION

Indication : toux persistante depuis six semaines, ancienne fumeuse.
Technique : acquisition hélicoïdale en coupes fines, sans injection.

Résultats :
- Pas de nodule pulmonaire suspect.
- Discrètes bronchectasies des bases, sans condensation.
- Pas d'épanchement pleural ni péricardique.
- Pas d'adénomégalie médiastinale.

Conclusion : discrètes bronchectasies basales, sans lésion suspecte. Pas de contrôle nécessaire.

Document de démonstration : patiente fictive.`,
  ),
  exam(
    'exam-girard-mri',
    'demo-girard',
    '2026-11-18T14:00:00Z',
    'MR',
    'IRM du genou droit',
    `IRM DU GENOU DROIT

Indication : douleur après torsion, suspicion de lésion méniscale.

Résultats : fissure horizontale de la corne postérieure du ménisque interne. Ligaments croisés
et collatéraux intacts. Épanchement articulaire de faible abondance.

Conclusion : lésion méniscale interne de grade 3.

Document de démonstration : patiente fictive.`,
  ),
];

export async function seedDemoExams(db: Db): Promise<void> {
  await insertExamsIfAbsent(db, DEMO_EXAMS);
}
