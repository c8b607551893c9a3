/**
 * The record's reads written together — the summary's lists with the access facts (`summaryFacts`), what the access
 * decision rests on (`accessFacts`), what a break-glass start reads (`startReads`): each as the
 * separate reads gave it — same rows, same order, same values (numbers stay numbers, absent ones
 * said absent) — on both databases (one query on PostgreSQL, one per read on SQLite).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { professionalFromClaims } from '../../src/core/psc.ts';
import { givenPatient, givenRecord } from '../../test/support/builders.ts';
import { testDatabase } from '../../test/support/database.ts';
import { devClaims } from '../../test/support/tokens.ts';
import { declarationReads, joinCircle, leaveCircle, listCircle } from './care-team.ts';
import type { Db } from './database.ts';
import { savePractitioner } from './practitioners.ts';
import { startReads } from './break-glass.ts';
import { DEFAULT_CONSENT } from './consent.ts';
import { findById } from './patients.ts';
import { accessFacts, documentFacts, findDocument, summaryFacts, visibleDocuments } from './record.ts';

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

describe('summaryFacts', () => {
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

    const nurseId = professional('nurse').idNps;
    const { summary, ...facts } = await summaryFacts(db, nurseId, 'lefevre', new Date('2026-11-22T08:00:00Z'));
    // The facts of the access with it, as read alone.
    expect(facts).toEqual(await accessFacts(db, nurseId, 'lefevre', new Date('2026-11-22T08:00:00Z')));

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
    expect((await summaryFacts(db, '899700300001', 'nouveau', new Date('2026-11-22T08:00:00Z'))).summary).toEqual({
      documents: [],
      alerts: [],
      circle: [],
    });
  });
});

describe('accessFacts, documentFacts', () => {
  it('says an unknown patient is unknown, with the defaults and nothing else', async () => {
    expect(await accessFacts(db, '899700300001', 'nobody', new Date('2026-11-20T08:00:00Z'))).toEqual({
      patient: undefined,
      session: undefined,
      consent: DEFAULT_CONSENT,
      member: false,
    });
  });

  it('gives the patient, their choices, the open session (not an expired one) and the membership', async () => {
    await givenPatient(db, { id: 'lefevre' });
    await givenRecord(db, 'lefevre', { consent: { circleAccess: false, breakGlassOpposed: false } });
    const who = professional('physician');
    await savePractitioner(db, who);
    const { roles } = await declarationReads(db, 'lefevre', { idnps: who.idNps, key: 'k' });
    await joinCircle(db, 'lefevre', roles[0]!, new Date('2026-11-20T07:00:00Z'));
    const session = {
      id: 'bg-1',
      patient_id: 'lefevre',
      idnps: who.idNps,
      actor_name: 'Dr Test',
      mode: 'bris_de_glace',
      reason_code: 'patient-hors-etat',
      reason_text: 'Inconscient',
      started_at: '2026-11-20T08:00:00.000Z',
      expires_at: '2026-11-20T12:00:00.000Z',
      ended_at: null,
    };
    await db.insertInto('break_glass').values(session).execute();

    const facts = await accessFacts(db, who.idNps, 'lefevre', new Date('2026-11-20T09:00:00Z'));
    expect(facts).toEqual({
      patient: await findById(db, 'lefevre'),
      session,
      consent: { circle_access: 0, break_glass_opposed: 0, updated_at: '2026-01-01T00:00:00Z' },
      member: true,
    });
    // A document's facts are its patient's.
    await givenRecord(db, 'lefevre', {
      documents: [{ id: 'lefevre-doc', type: 'lab', title: 'Bilan', text: 'Créatinine' }],
    });
    const { document, ...ofDocument } = await documentFacts(
      db,
      who.idNps,
      'lefevre-doc',
      new Date('2026-11-20T09:00:00Z'),
    );
    // The document's patient with it (shown with the document).
    expect(ofDocument).toEqual(facts);
    expect(document).toEqual(await findDocument(db, 'lefevre-doc'));
    expect(document?.content).toBe('Créatinine');
    expect(await documentFacts(db, who.idNps, 'nothing', new Date('2026-11-20T09:00:00Z'))).toEqual({
      document: undefined,
      patient: undefined,
      session: undefined,
      consent: DEFAULT_CONSENT,
      member: false,
    });
    expect((await accessFacts(db, who.idNps, 'lefevre', new Date('2026-11-20T12:00:00Z'))).session).toBeUndefined();
    expect((await accessFacts(db, '899700300999', 'lefevre', new Date('2026-11-20T09:00:00Z'))).member).toBe(false);
  });
});

describe('startReads (break-glass start)', () => {
  it('gives the patient, their choices and the pair’s sessions not ended, expired ones included', async () => {
    expect(await startReads(db, '899700300001', 'nobody')).toEqual({
      patient: undefined,
      consent: DEFAULT_CONSENT,
      notEnded: [],
    });
    await givenPatient(db, { id: 'lefevre' });
    await givenRecord(db, 'lefevre', { consent: { circleAccess: true, breakGlassOpposed: true } });
    const base = {
      patient_id: 'lefevre',
      idnps: '899700300001',
      actor_name: 'Dr Test',
      mode: 'bris_de_glace',
      reason_code: 'patient-hors-etat',
      reason_text: 'Inconscient',
      started_at: '2026-11-20T08:00:00.000Z',
    };
    const ended = {
      ...base,
      id: 'bg-ended',
      expires_at: '2026-11-20T12:00:00.000Z',
      ended_at: '2026-11-20T09:00:00.000Z',
    };
    const expired = { ...base, id: 'bg-expired', expires_at: '2026-11-20T08:30:00.000Z', ended_at: null };
    const other = {
      ...base,
      id: 'bg-other',
      idnps: '899700300002',
      expires_at: '2026-11-20T12:00:00.000Z',
      ended_at: null,
    };
    await db.insertInto('break_glass').values([ended, expired, other]).execute();

    const reads = await startReads(db, '899700300001', 'lefevre');
    expect(reads.patient).toEqual(await findById(db, 'lefevre'));
    expect(reads.consent).toMatchObject({ circle_access: 1, break_glass_opposed: 1 });
    expect(reads.notEnded).toEqual([expired]);
  });
});
