/**
 * An imaging exam as a FHIR R4 `DocumentReference` (IHE MHD, docs/domain.md "FHIR R4 shapes"): the
 * report (LOINC 18748-4 "Diagnostic imaging study", plain text carried inline) and, as a second
 * content, the link to the images viewer.
 */
import type { ImagingExamTable } from '../storage/schema.ts';

export const IMAGING_REPORT = { system: 'http://loinc.org', code: '18748-4', display: 'Diagnostic imaging study' };

/**
 * The exam as a `DocumentReference`; `report: false` leaves the report's text out (a list of the
 * exams shared with a professional: each report is read by itself, audited).
 */
export function toFhirDocumentReference(exam: ImagingExamTable, { report = true } = {}) {
  return {
    resourceType: 'DocumentReference' as const,
    id: exam.id,
    status: 'current' as const,
    type: { coding: [IMAGING_REPORT], text: exam.title },
    subject: { reference: `Patient/${exam.patient_id}` },
    date: exam.performed_at,
    custodian: { display: exam.organization },
    description: exam.title,
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          language: 'fr',
          title: 'Compte rendu',
          ...(report ? { data: Buffer.from(exam.report, 'utf8').toString('base64') } : {}),
        },
      },
      { attachment: { contentType: 'text/html', title: 'Images', url: exam.images_url } },
    ],
    context: {
      period: { start: exam.performed_at },
      related: [{ display: `Modalité ${exam.modality}` }],
    },
  };
}
