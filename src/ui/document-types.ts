import { DOCUMENT_KINDS } from '../core/document-types.ts';

/** French names of the record's document types (LOINC), as clinicians call them, by code. */
export const DOCUMENT_TYPES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(DOCUMENT_KINDS).map((kind) => [kind.code, kind.label]),
);

export const documentType = (code: string) => DOCUMENT_TYPES[code] ?? `Document (LOINC ${code})`;
