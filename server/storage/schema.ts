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

export interface PractitionerTable {
  id: string;
  /** IDNPS (`SubjectNameID`), the key: `8` + RPPS or `0` + ADELI. */
  idnps: string;
  rpps: string | null;
  title: string | null;
  family_name: string;
  given_name: string | null;
  mssante: string | null;
  organization: string | null;
  first_seen: string;
  updated_at: string;
}

export interface PractitionerRoleTable {
  id: string;
  practitioner_id: string;
  /** TRE_G15 profession code. */
  profession_code: string;
  organization: string | null;
  /** 1 while the token lists the profession, 0 after (kept: other records may point at the role). */
  active: number;
}

export interface Database {
  patient: PatientTable;
  practitioner: PractitionerTable;
  practitioner_role: PractitionerRoleTable;
}
