/**
 * What a redemption reads once its code is found, in one query (`redemptionReads`): the exam as
 * read alone, whether this professional already has access, their own wrong attempts in the
 * window only — on both databases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { givenExam, givenPatient } from '../../test/support/builders.ts';
import { testDatabase } from '../../test/support/database.ts';
import type { Db } from './database.ts';
import { findExam, grantAccess } from './exams.ts';
import { insertCode, recordWrongAttempt, redemptionReads } from './share-codes.ts';

let db: Db;
beforeEach(async () => {
  db = await testDatabase();
});
afterEach(() => db.destroy());

const ME = '899700300001';
const SINCE = new Date('2026-11-20T10:00:00Z');

describe('redemptionReads', () => {
  it('says an unknown exam is unknown, with no access and no attempt', async () => {
    expect(await redemptionReads(db, 'nothing', ME, SINCE)).toEqual({
      exam: undefined,
      granted: false,
      wrongAttempts: 0,
    });
  });

  it('gives the exam, the access of this professional only, and their wrong attempts in the window', async () => {
    await givenPatient(db, { id: 'lefevre' });
    await givenExam(db, 'lefevre', { id: 'exam-1', organization: 'CENTRE', organization_id: '990000047' });
    for (const [idnps, at] of [
      [ME, '2026-11-20T09:59:00Z'], // before the window
      [ME, '2026-11-20T10:05:00Z'],
      [ME, '2026-11-20T10:06:00Z'],
      ['899700300002', '2026-11-20T10:07:00Z'], // someone else's
    ] as const) {
      await recordWrongAttempt(db, { at: new Date(at), idnps, address: '192.0.2.1' });
    }
    const before = await redemptionReads(db, 'exam-1', ME, SINCE);
    expect(before).toEqual({ exam: await findExam(db, 'exam-1'), granted: false, wrongAttempts: 2 });

    await insertCode(db, {
      id: 'code-1',
      exam_id: 'exam-1',
      locator_hash: 'locator',
      code_hash: 'code',
      created_by: '3999700000017',
      created_at: '2026-11-20T08:00:00.000Z',
      expires_at: '2026-12-20T08:00:00.000Z',
      single_use: 0,
      status: 'active',
      wrong_attempts: 0,
      revoked_at: null,
      sent_to: null,
    });
    await grantAccess(db, 'exam-1', '899700300002', 'code-1', new Date('2026-11-20T10:10:00Z'));
    expect((await redemptionReads(db, 'exam-1', ME, SINCE)).granted).toBe(false);
    await grantAccess(db, 'exam-1', ME, 'code-1', new Date('2026-11-20T10:11:00Z'));
    expect((await redemptionReads(db, 'exam-1', ME, SINCE)).granted).toBe(true);
  });
});
