import type { Generated } from 'kysely';

/** Identity status of the INS referential: only `QUAL` lets the matricule travel (DOMAIN.md). */
export type IdentityStatus = 'PROV' | 'RECUP' | 'VALI' | 'QUAL';

export interface PatientTable {
  id: string;
  ins: string;
  ins_system: string;
  identity_status: IdentityStatus;
  birth_name: string;
  /** Full list of birth given names, space-separated, first one first. */
  given_names: string;
  used_name: string | null;
  birth_date: string;
  sex: 'female' | 'male';
  /** INSEE code of the birth place. */
  birth_place: string | null;
  created_at: Generated<string>;
}

export interface Database {
  patient: PatientTable;
}
