/**
 * The shared record in FHIR R4 (issue 8): documents as `DocumentReference` (IHE MHD; type LOINC,
 * date, author, custodian; the content as a `Binary` link), alerts as `Flag`, the patient's choices
 * as `Consent` (scope patient-privacy; break-glass opposition as a deny provision on the
 * `BTG` purpose).
 */
import type { DocumentListing } from '../storage/record.ts';
import type { ConsentTable, RecordAlertTable, RecordDocumentTable } from '../storage/schema.ts';

export function toFhirRecordDocument(doc: DocumentListing) {
  return {
    resourceType: 'DocumentReference' as const,
    id: doc.id,
    status: 'current' as const,
    type: { coding: [{ system: 'http://loinc.org', code: doc.type_code, display: doc.type_display }] },
    subject: { reference: `Patient/${doc.patient_id}` },
    date: doc.date,
    author: [{ display: doc.author }],
    custodian: { display: doc.organization },
    description: doc.title,
    content: [{ attachment: { contentType: 'text/plain; charset=utf-8', url: `Binary/${doc.id}`, title: doc.title } }],
  };
}

/** A document as opened: its reference, with the text inline (`attachment.data`) beside the `Binary` link. */
export function toFhirOpenedDocument(doc: RecordDocumentTable) {
  const listed = toFhirRecordDocument(doc);
  return {
    ...listed,
    content: listed.content.map(({ attachment }) => ({ attachment: { ...attachment, data: base64(doc.content) } })),
  };
}

export const toFhirFlag = (alert: RecordAlertTable) => ({
  resourceType: 'Flag' as const,
  id: alert.id,
  status: 'active' as const,
  code: { text: alert.text },
  subject: { reference: `Patient/${alert.patient_id}` },
});

export const toFhirBinary = (doc: RecordDocumentTable) => ({
  resourceType: 'Binary' as const,
  id: doc.id,
  contentType: 'text/plain; charset=utf-8',
  data: base64(doc.content),
});

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function toFhirConsent(
  patientId: string,
  consent: Pick<ConsentTable, 'circle_access' | 'break_glass_opposed'>,
  at: string,
) {
  return {
    resourceType: 'Consent' as const,
    id: `consent-${patientId}`,
    status: 'active' as const,
    scope: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
    },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: { reference: `Patient/${patientId}` },
    dateTime: at,
    policyRule: { text: 'Code de la santé publique L1111-17 : accès des membres de l’équipe de soins' },
    provision: {
      type: consent.circle_access === 1 ? ('permit' as const) : ('deny' as const),
      actor: [
        {
          role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
          reference: { display: 'Équipe de soins (cercle de soins)' },
        },
      ],
      ...(consent.break_glass_opposed === 1
        ? {
            provision: [
              {
                type: 'deny' as const,
                purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG' }],
              },
            ],
          }
        : {}),
    },
  };
}
