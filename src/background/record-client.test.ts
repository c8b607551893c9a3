import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config.ts';
import { DEMO_PRIVACY_OFFICER, DEV_PROFESSIONALS, pscClaimsOf } from '../../server/identity/dev-professionals.ts';
import { givenPatient, givenRecord } from '../../test/support/builders.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import {
  endBreakGlass,
  recordDocument,
  recordDocuments,
  recordSummary,
  reviewCsv,
  reviewList,
  reviewMark,
  startBreakGlass,
} from './record-client.ts';

let platform: TestPlatform;
let baseUrl: string;
const officerClaims = pscClaimsOf(DEV_PROFESSIONALS.find((p) => p.idNps === DEMO_PRIVACY_OFFICER)!);

beforeEach(async () => {
  platform = await testPlatform(
    { audit: { ...configFromEnv({}).audit, readers: [DEMO_PRIVACY_OFFICER] } },
    {
      seed: async (db) => {
        await givenPatient(db, { id: 'nguyen', birthName: 'NGUYEN', sex: 'male' });
        await givenRecord(db, 'nguyen', {
          alerts: ['Allergie à la pénicilline (éruption, 2019)'],
          documents: [
            { id: 'nguyen-doc-1', type: 'summary', title: 'Volet de synthèse médicale' },
            { id: 'nguyen-doc-2', type: 'consultation', title: 'Consultation de cardiologie' },
            { id: 'nguyen-doc-3', type: 'lab', title: 'Bilan biologique', text: 'Créatinine 78 µmol/L' },
            { id: 'nguyen-doc-4', type: 'discharge', title: 'Compte rendu d’hospitalisation' },
            { id: 'nguyen-doc-5', type: 'prescription', title: 'Ordonnance' },
          ],
        });
      },
    },
  );
  baseUrl = await platform.app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(() => platform.close());

const as = async (who: 'physician' | 'nurse' | 'officer') => ({
  baseUrl,
  accessToken: await platform.issuer.mint(
    who === 'officer' ? { claims: officerClaims } : who === 'nurse' ? { as: 'nurse' } : {},
  ),
});
const emergency = { mode: 'bris_de_glace' as const, reason: 'urgence-vitale', text: 'Arrêt cardio-respiratoire' };

describe('shared record client against the real platform', () => {
  it('is told it is refused and that break-glass is possible; a nurse is told she may not', async () => {
    expect(await recordSummary('nguyen', await as('physician'))).toEqual({
      status: 'refused',
      breakGlass: 'possible',
      detail: expect.stringMatching(/^Vous ne faites pas partie de l’équipe de soins/),
    });
    expect(await recordSummary('nguyen', await as('nurse'))).toMatchObject({ breakGlass: 'not-physician' });
    expect(await startBreakGlass('nguyen', emergency, await as('nurse'))).toEqual({
      status: 'unavailable',
      reason: 'forbidden',
      detail: 'L’accès en bris de glace est réservé aux médecins.',
    });
  });

  it('opens in break-glass: the summary first, the countdown’s end, documents by kind, one document', async () => {
    const started = await startBreakGlass('nguyen', emergency, await as('physician'));
    expect(started).toMatchObject({ status: 'ok', mode: 'bris_de_glace' });
    const summary = await recordSummary('nguyen', await as('physician'));
    if (summary.status !== 'ok') throw new Error(summary.status);
    expect(summary.mode).toBe('bris_de_glace');
    expect(summary.expiresAt).toBe(started.status === 'ok' && started.expiresAt);
    expect(summary.alerts).toEqual(['Allergie à la pénicilline (éruption, 2019)']);
    expect(summary.latest.map((d) => d.typeCode).sort()).toEqual([
      '11488-4',
      '11502-2',
      '18842-5',
      '57833-6',
      '60591-5',
    ]);
    const labs = await recordDocuments('nguyen', '11502-2', await as('physician'));
    expect(labs.status === 'ok' && labs.documents.map((d) => d.id)).toEqual(['nguyen-doc-3']);
    const doc = await recordDocument('nguyen', 'nguyen-doc-3', await as('physician'));
    expect(doc).toMatchObject({
      status: 'ok',
      mode: 'bris_de_glace',
      text: expect.stringContaining('Créatinine'),
      // What the page shows above the text: the document and its patient, as the platform holds them.
      document: { id: 'nguyen-doc-3', title: 'Bilan biologique', typeCode: '11502-2' },
      patient: { id: 'nguyen', birthName: 'NGUYEN', sex: 'male' },
    });
    expect(await endBreakGlass('nguyen', await as('physician'))).toEqual({ status: 'ok' });
    expect(await recordSummary('nguyen', await as('physician'))).toMatchObject({ status: 'refused' });
  });

  it('lets the privacy officer list, mark and export; nobody else', async () => {
    expect(await startBreakGlass('nguyen', emergency, await as('physician'))).toMatchObject({ status: 'ok' });
    expect(await recordDocument('nguyen', 'nguyen-doc-3', await as('physician'))).toMatchObject({ status: 'ok' });
    expect(await reviewList(undefined, await as('physician'))).toMatchObject({
      status: 'unavailable',
      reason: 'forbidden',
    });
    const list = await reviewList(false, await as('officer'));
    if (list.status !== 'ok') throw new Error(list.status);
    expect(list.sessions[0]).toMatchObject({
      patient: { id: 'nguyen' },
      documents: [{ title: 'Bilan biologique' }],
    });
    const first = list.sessions[0];
    if (!first || 'unreadable' in first) throw new Error('the session should read');
    expect(await reviewMark(first.id, 'Justifié.', await as('officer'))).toEqual({ status: 'ok' });
    const csv = await reviewCsv(await as('officer'));
    expect(csv.status === 'ok' && csv.csv).toContain(': Justifié."');
  });
});
