/**
 * What a declaration reads, in one query (`declarationReads`): the answer kept for the key, the
 * patient, the professional's active roles and the circle — each as the separate reads give it,
 * absent ones said absent, on both databases (one query on PostgreSQL, one per read on SQLite).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { professionalFromClaims } from '../../src/core/psc.ts';
import { givenPatient } from '../../test/support/builders.ts';
import { testDatabase } from '../../test/support/database.ts';
import { devClaims } from '../../test/support/tokens.ts';
import { declarationReads, joinCircle, listCircle } from './care-team.ts';
import type { Db } from './database.ts';
import { remember } from './idempotency.ts';
import { findById } from './patients.ts';
import { savePractitioner } from './practitioners.ts';

let db: Db;
beforeEach(async () => {
  db = await testDatabase();
});
afterEach(() => db.destroy());

const physician = (() => {
  const mapped = professionalFromClaims(devClaims('physician'));
  if (!mapped.ok) throw new Error('claims');
  return mapped.professional;
})();

describe('declarationReads', () => {
  it('says what is absent: no kept answer, an unknown patient, no roles, an empty circle', async () => {
    expect(await declarationReads(db, 'nobody', { idnps: physician.idNps, key: 'key-00001' })).toEqual({
      kept: undefined,
      patient: undefined,
      roles: [],
      circle: [],
    });
  });

  it('gives the kept answer, the patient, the active roles (first profession first) and the circle as read apart', async () => {
    await givenPatient(db, { id: 'lefevre', usedName: 'MARTIN' });
    await savePractitioner(db, { ...physician, professions: ['21', '10'] }, new Date('2026-11-20T08:00:00Z'));
    const scope = { idnps: physician.idNps, key: 'key-00001', request: 'join lefevre' };
    const first = await declarationReads(db, 'lefevre', scope);
    expect(first.roles.map((r) => r.role.profession_code)).toEqual(['10', '21']);
    expect(first.roles[0]).toMatchObject({ role: { active: 1 }, practitioner: { idnps: physician.idNps } });
    await joinCircle(db, 'lefevre', first.roles[0]!, new Date('2026-11-20T09:00:00Z'), 'PCP');
    await remember(db, scope, { status: 201, json: '{"resourceType":"Bundle"}' }, new Date('2026-11-20T09:00:00Z'));

    const reads = await declarationReads(db, 'lefevre', scope);

    expect(reads.kept).toEqual({
      ...scope,
      status: 201,
      response: '{"resourceType":"Bundle"}',
      created_at: '2026-11-20T09:00:00.000Z',
    });
    expect(reads.patient).toEqual(await findById(db, 'lefevre'));
    expect(reads.circle).toEqual(await listCircle(db, 'lefevre'));
    expect(reads.circle).toHaveLength(1);
    expect(reads.circle[0]).toMatchObject({ functionCode: 'PCP', end: null, role: { profession_code: '10' } });
    // Another professional's key is not this one's.
    expect((await declarationReads(db, 'lefevre', { idnps: '899700300999', key: scope.key })).kept).toBeUndefined();
  });
});
