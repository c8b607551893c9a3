/** French names of the record's document types (LOINC), as clinicians call them. */
export const DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  '60591-5': 'Synthèse médicale',
  '11488-4': 'Compte rendu de consultation',
  '18842-5': 'Lettre de liaison / sortie',
  '11502-2': 'Résultats de biologie',
  '18748-4': 'Compte rendu d’imagerie',
  '57833-6': 'Ordonnance',
};

export const documentType = (code: string) => DOCUMENT_TYPES[code] ?? `Document (LOINC ${code})`;
