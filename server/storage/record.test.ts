/**
 * The record's summary in one query (`summaryOf`): each list as the route's separate reads give
 * it — same rows, same order, same values (numbers stay numbers, absent ones null) — on both
 * databases, whose JSON aggregation differs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { professionalFromClaims } from '../../src/core/psc.ts';
import { givenPatient, givenRecord } from '../../test/support/builders.ts';
import { testDatabase } from '../../test/support/database.ts';
import { devClaims } from '../../test/support/tokens.ts';
import { declarationReads, joinCircle, leaveCircle, listCircle } from './care-team.ts';
import type { Db } from './database.ts';
import { savePractitioner } from './practitioners.ts';
import { summaryOf, visibleDocuments } from './record.ts';

let db: Db;
beforeEach(async () => {
  db = await testDatabase();
});
afterEach(() => db.destroy());

const professional = (role: 'physician' | 'nurse') => {
  const mapped = professionalFromClaims(devClaims(role));
  if (!mapped.ok) throw new Error('claims');
  return mapped.professional;
};

describe('summaryOf', () => {
  it('gives the documents newest first (masked ones never), the alerts and the whole circle, oldest first', async () => {
    await givenPatient(db, { id: 'lefevre' });
    await givenPatient(db, { id: 'other' });
    await givenRecord(db, 'lefevre', {
      documents: [
        { id: 'd-old', type: 'lab', title: 'Bilan', date: '2026-01-05T08:00:00Z' },
        { id: 'd-new', type: 'consultation', title: 'Consultation', date: '2026-11-02T08:00:00Z' },
        { id: 'd-mid', type: 'discharge', title: 'Sortie', date: '2026-06-20T08:00:00Z' },
        { id: 'd-masked', type: 'consultation', title: 'Psychiatrie', date: '2026-11-03T08:00:00Z', masked: true },
      ],
      alerts: ['Allergie à la pénicilline', 'Anticoagulé'],
    });
    await givenRecord(db, 'other', {
      documents: [{ id: 'd-other', type: 'lab', title: 'Autre', date: '2026-11-04T08:00:00Z' }],
      alerts: ['Autre patient'],
    });
    for (const [role, at] of [
      ['nurse', '2026-11-20T09:00:00Z'],
      ['physician', '2026-11-20T08:00:00Z'],
    ] as const) {
      const who = professional(role);
      await savePractitioner(db, who);
      const [first] = (await declarationReads(db, 'lefevre', { idnps: who.idNps, key: 'k' })).roles;
      await joinCircle(db, 'lefevre', first!, new Date(at), role === 'physician' ? 'PCP' : null);
    }
    const nurse = (await declarationReads(db, 'lefevre', { idnps: professional('nurse').idNps, key: 'k' })).roles[0]!;
    await leaveCircle(db, 'lefevre', [nurse.role.id], new Date('2026-11-21T08:00:00Z'));

    const summary = await summaryOf(db, 'lefevre');

    expect(summary.documents.map((d) => d.id)).toEqual(['d-new', 'd-mid', 'd-old']);
    expect(summary.documents).toEqual(await visibleDocuments(db, 'lefevre'));
    expect(summary.alerts.map((a) => a.text).sort()).toEqual(['Allergie à la pénicilline', 'Anticoagulé']);
    expect(summary.circle).toEqual(await listCircle(db, 'lefevre'));
    expect(summary.circle.map((m) => [m.functionCode, m.end])).toEqual([
      ['PCP', null],
      [null, '2026-11-21T08:00:00.000Z'],
    ]);
    expect(summary.circle[0]!.role.active).toBe(1);
  });

  it('gives empty lists for a patient with nothing yet', async () => {
    await givenPatient(db, { id: 'nouveau' });
    expect(await summaryOf(db, 'nouveau')).toEqual({ documents: [], alerts: [], circle: [] });
  });
});
