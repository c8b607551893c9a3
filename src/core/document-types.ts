/**
 * The shared record's document types (LOINC), once for both sides: the code and display the
 * document feed sends, and the French name clinicians use (shown by the panel, the document
 * page and the patient's page).
 */
export const DOCUMENT_KINDS = {
  summary: { code: '60591-5', display: 'Patient summary Document', label: 'Synthèse médicale' },
  consultation: { code: '11488-4', display: 'Consult note', label: 'Compte rendu de consultation' },
  discharge: { code: '18842-5', display: 'Discharge summary', label: 'Lettre de liaison / sortie' },
  lab: { code: '11502-2', display: 'Laboratory report', label: 'Résultats de biologie' },
  imaging: { code: '18748-4', display: 'Diagnostic imaging study', label: 'Compte rendu d’imagerie' },
  prescription: { code: '57833-6', display: 'Prescription for medication', label: 'Ordonnance' },
} as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;

/** French names of the record's document types (LOINC), as clinicians and patients call them, by code. */
export const DOCUMENT_TYPES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(DOCUMENT_KINDS).map((kind) => [kind.code, kind.label]),
);

export const documentType = (code: string) => DOCUMENT_TYPES[code] ?? `Document (LOINC ${code})`;
