/**
 * Demo patients: synthetic people with INS **test** identities (OID 1.2.250.1.213.1.4.10) whose
 * keys are valid (checked by `server/demo/patients.test.ts`). No real person is described.
 */
import { INS_OID } from '../../src/core/ins.ts';
import type { Db } from '../storage/database.ts';
import { insertPatientIfAbsent } from '../storage/patients.ts';
import type { PatientTable } from '../storage/schema.ts';

type DemoPatient = Omit<PatientTable, 'created_at' | 'ins_system' | 'identity_status'>;

export const DEMO_PATIENTS: readonly DemoPatient[] = [
  {
    id: 'demo-lefevre',
    ins: '255081416802538',
    birth_name: 'LEFÈVRE',
    given_names: 'MARIE CLAIRE',
    used_name: 'MARTIN',
    birth_date: '1955-08-14',
    sex: 'female',
    birth_place: '14168',
  },
  {
    id: 'demo-girard',
    ins: '279035121518989',
    birth_name: 'GIRARD',
    given_names: 'CAMILLE ANNE',
    used_name: null,
    birth_date: '1979-03-22',
    sex: 'female',
    birth_place: '51215',
  },
  {
    id: 'demo-bernard',
    ins: '184126912304531',
    birth_name: 'BERNARD',
    given_names: 'LUCAS PIERRE',
    used_name: null,
    birth_date: '1984-12-03',
    sex: 'male',
    birth_place: '69123',
  },
  {
    id: 'demo-casanova',
    ins: '162052A00401233',
    birth_name: 'CASANOVA',
    given_names: 'PAUL ANGE',
    used_name: null,
    birth_date: '1962-05-10',
    sex: 'male',
    birth_place: '2A004',
  },
  {
    id: 'demo-nguyen',
    ins: '192077505632164',
    birth_name: 'NGUYEN',
    given_names: 'THOMAS',
    used_name: null,
    birth_date: '1992-07-18',
    sex: 'male',
    birth_place: '75056',
  },
  {
    id: 'demo-dubois',
    ins: '201113307200872',
    birth_name: 'DUBOIS',
    given_names: 'LÉA',
    used_name: null,
    birth_date: '2001-11-05',
    sex: 'female',
    birth_place: '33072',
  },
];

/** Idempotent: running it twice leaves one copy of each patient. */
export async function seedDemoPatients(db: Db): Promise<void> {
  for (const p of DEMO_PATIENTS) {
    await insertPatientIfAbsent(db, { ...p, ins_system: INS_OID.test, identity_status: 'QUAL' });
  }
}
