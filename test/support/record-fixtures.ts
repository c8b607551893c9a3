/**
 * The shared record's test fixtures: who the tests meet (with their records and consents) and the
 * calls they make, for the record's route tests and the patient's page tests.
 */
import { givenPatient, givenRecord, type DocumentSpec } from './builders.ts';
import { callAs } from './http.ts';
import type { TestPlatform } from './platform.ts';
import type { MintOptions } from './tokens.ts';

/** A record of five kinds of documents, the latest of each shown first, and one the patient masked. */
export const documentsOf = (patient: string): DocumentSpec[] => [
  { id: `${patient}-doc-1`, type: 'summary', title: 'Volet de synthèse médicale', date: '2026-09-02T08:00:00Z' },
  { id: `${patient}-doc-2`, type: 'consultation', title: 'Consultation de cardiologie', date: '2026-10-14T09:30:00Z' },
  {
    id: `${patient}-doc-3`,
    type: 'lab',
    title: 'Bilan biologique',
    text: 'Créatinine 78 µmol/L',
    date: '2026-11-05T07:15:00Z',
  },
  { id: `${patient}-doc-4`, type: 'discharge', title: 'Compte rendu d’hospitalisation', date: '2026-06-20T16:00:00Z' },
  { id: `${patient}-doc-5`, type: 'prescription', title: 'Ordonnance', date: '2026-11-06T10:00:00Z' },
  { id: `${patient}-doc-6`, type: 'consultation', title: 'Consultation de psychiatrie', masked: true },
];

/** Who the tests meet: LEFÈVRE and BERNARD have a full record; CASANOVA opposed break-glass; GIRARD withdrew her circle's access. */
export async function givenPatients(db: TestPlatform['db']): Promise<void> {
  const people = [
    { id: 'lefevre', birthName: 'LEFÈVRE', givenNames: 'MARIE CLAIRE', usedName: 'MARTIN' },
    { id: 'bernard', birthName: 'BERNARD', givenNames: 'LUCAS PIERRE', sex: 'male' as const },
    { id: 'casanova', birthName: 'CASANOVA', givenNames: 'PAUL ANGE', sex: 'male' as const },
    { id: 'girard', birthName: 'GIRARD', givenNames: 'CAMILLE ANNE' },
    { id: 'nguyen', birthName: 'NGUYEN', givenNames: 'THOMAS', sex: 'male' as const },
    { id: 'dubois', birthName: 'DUBOIS', givenNames: 'LÉA' },
  ];
  for (const person of people) {
    await givenPatient(db, person);
    await givenRecord(db, person.id, { documents: documentsOf(person.id), alerts: ['Allergie à la pénicilline'] });
  }
  await givenRecord(db, 'casanova', { consent: { circleAccess: true, breakGlassOpposed: true } });
  await givenRecord(db, 'girard', { consent: { circleAccess: false, breakGlassOpposed: false } });
}

/** The calls of the record tests, on this platform. */
export function recordCalls(platform: TestPlatform) {
  const call = (method: 'GET' | 'POST', url: string, as: MintOptions = {}, body?: unknown) =>
    callAs(platform, method, url, as, body);
  const join = async (patient: string, as: MintOptions = {}) =>
    platform.app.inject({
      method: 'POST',
      url: `/fhir/Patient/${patient}/$care-team-join`,
      headers: { ...(await platform.issuer.bearer(as)), 'idempotency-key': `record-test-${patient}-${Math.random()}` },
    });
  const breakGlass = (patient: string, as: MintOptions = {}, params: Record<string, string> = {}) =>
    call('POST', `/fhir/Patient/${patient}/$break-glass`, as, {
      resourceType: 'Parameters',
      parameter: Object.entries({
        mode: 'bris_de_glace',
        reason: 'patient-hors-etat',
        text: 'Patient inconscient aux urgences, traitement en cours inconnu',
        ...params,
      }).map(([name, value]) => (name === 'text' ? { name, valueString: value } : { name, valueCode: value })),
    });
  const kinds = async (kind: string) =>
    await platform.db.selectFrom('audit_event').select(['kind', 'mode', 'resource']).where('kind', '=', kind).execute();
  return { call, join, breakGlass, kinds };
}
