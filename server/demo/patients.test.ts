import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkIns, INS_OID } from '../../src/core/ins.ts';
import { toFhirPatient } from '../fhir/patient.ts';
import { findQualifiedByIns, insertPatientIfAbsent } from '../storage/patients.ts';
import type { Db } from '../storage/database.ts';
import { testDatabase } from '../../test/support/database.ts';
import { seedDemo } from './index.ts';
import { DEMO_PATIENTS } from './patients.ts';

let db: Db;
beforeEach(async () => {
  db = await testDatabase();
});
afterEach(() => db.destroy());

describe('demo data', () => {
  it.each(DEMO_PATIENTS.map((p) => [p.ins, p]))('INS %s has a valid key and matches its traits', (ins, p) => {
    expect(checkIns(ins).ok).toBe(true);
    expect(ins[0]).toBe(p.sex === 'male' ? '1' : '2');
    expect(ins.slice(1, 3)).toBe(p.birth_date.slice(2, 4));
    expect(ins.slice(3, 5)).toBe(p.birth_date.slice(5, 7));
    expect(ins.slice(5, 10)).toBe(p.birth_place);
  });

  it('seeds idempotently', async () => {
    await seedDemo(db);
    await seedDemo(db);
    const rows = await db.selectFrom('patient').select('id').execute();
    expect(rows).toHaveLength(DEMO_PATIENTS.length);
  });
});

describe('INS only travels for a qualified identity', () => {
  it('neither finds nor shows the INS of a provisional identity', async () => {
    const row = {
      id: 'prov-1',
      ins: '192077505632164',
      ins_system: INS_OID.demo,
      identity_status: 'PROV' as const,
      birth_name: 'PROVISOIRE',
      given_names: 'ALEX',
      used_name: null,
      birth_date: '1992-07-18',
      sex: 'male' as const,
      birth_place: null,
    };
    await insertPatientIfAbsent(db, row);
    expect(await findQualifiedByIns(db, row.ins, INS_OID.demo)).toEqual([]);
    expect(toFhirPatient({ ...row, created_at: '' }).identifier).toEqual([]);
  });
});
