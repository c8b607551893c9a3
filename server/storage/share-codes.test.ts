/**
 * What a redemption reads, in one query on PostgreSQL (`redemptionReads`): the codes under the
 * locator and only those, each code's exam as read alone, whether this professional already has
 * access to it, their own wrong attempts in the window only — on both databases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { givenExam, givenPatient } from '../../test/support/builders.ts';
import { testDatabase } from '../../test/support/database.ts';
import type { Db } from './database.ts';
import { findExam, grantAccess } from './exams.ts';
import type { ShareCodeTable } from './schema.ts';
import { findCode, insertCode, recordWrongAttempt, redemptionReads } from './share-codes.ts';

let db: Db;
beforeEach(async () => {
  db = await testDatabase();
});
afterEach(() => db.destroy());

const ME = '899700300001';
const SINCE = new Date('2026-11-20T10:00:00Z');

const code = (id: string, examId: string, locator: string, status = 'active'): ShareCodeTable => ({
  id,
  exam_id: examId,
  locator_hash: locator,
  code_hash: `hash-${id}`,
  created_by: '3999700000017',
  created_at: '2026-11-20T08:00:00.000Z',
  expires_at: '2026-12-20T08:00:00.000Z',
  single_use: 0,
  status,
  wrong_attempts: 0,
  revoked_at: null,
  sent_to: null,
});

describe('redemptionReads', () => {
  it('finds no code under an unknown locator, and counts no attempt', async () => {
    const reads = await redemptionReads(db, 'nothing', ME, SINCE);
    expect(reads.codes).toEqual([]);
    expect(reads.wrongAttempts).toBe(0);
  });

  it('gives the codes under the locator, each one’s exam, the access of this professional only, and their wrong attempts in the window', async () => {
    await givenPatient(db, { id: 'lefevre' });
    for (const id of ['exam-old', 'exam-1', 'exam-other'])
      await givenExam(db, 'lefevre', { id, organization: 'CENTRE', organization_id: '990000047' });
    // An old code had the locator before the live one; another locator is none of this read's.
    for (const c of [
      code('code-old', 'exam-old', 'locator', 'expired'),
      code('code-1', 'exam-1', 'locator'),
      code('code-other', 'exam-other', 'other'),
    ])
      await insertCode(db, c);
    for (const [idnps, at] of [
      [ME, '2026-11-20T09:59:00Z'], // before the window
      [ME, '2026-11-20T10:05:00Z'],
      [ME, '2026-11-20T10:06:00Z'],
      ['899700300002', '2026-11-20T10:07:00Z'], // someone else's
    ] as const) {
      await recordWrongAttempt(db, { at: new Date(at), idnps, address: '192.0.2.1' });
    }
    await grantAccess(db, 'exam-other', ME, 'code-other', new Date('2026-11-20T09:00:00Z'));

    const before = await redemptionReads(db, 'locator', ME, SINCE);
    expect(before.codes.map((c) => c.id).sort()).toEqual(['code-1', 'code-old']);
    const [live, old] = [(await findCode(db, 'code-1'))!, (await findCode(db, 'code-old'))!];
    expect(before.codes).toContainEqual(live);
    expect(before.examOf(live)).toEqual(await findExam(db, 'exam-1'));
    expect(before.examOf(old)).toEqual(await findExam(db, 'exam-old'));
    expect(before.grantedFor(live)).toBe(false);
    expect(before.wrongAttempts).toBe(2);

    await grantAccess(db, 'exam-1', '899700300002', 'code-1', new Date('2026-11-20T10:10:00Z'));
    expect((await redemptionReads(db, 'locator', ME, SINCE)).grantedFor(live)).toBe(false);
    await grantAccess(db, 'exam-1', ME, 'code-1', new Date('2026-11-20T10:11:00Z'));
    const after = await redemptionReads(db, 'locator', ME, SINCE);
    expect(after.grantedFor(live)).toBe(true);
    expect(after.grantedFor(old)).toBe(false);
  });
});
