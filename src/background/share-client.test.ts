import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configFromEnv } from '../../server/config.ts';
import {
  DEMO_FINESS,
  DEMO_SECRETARIAT,
  DEV_PROFESSIONALS,
  pscClaimsOf,
} from '../../server/identity/dev-professionals.ts';
import { givenExam, givenPatient } from '../../test/support/builders.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { colleague as colleagueOf } from '../../test/support/share-codes.ts';
import { formatCode, newCode } from '../core/share-code.ts';
import { centreExams, grantedExams, issueCode, readExam, redeemCode, revokeCode } from './share-client.ts';

let platform: TestPlatform;
let baseUrl: string;
const secretariatClaims = pscClaimsOf(DEV_PROFESSIONALS.find((p) => p.idNps === DEMO_SECRETARIAT)!);

beforeAll(async () => {
  platform = await testPlatform(
    { shareCodes: { ...configFromEnv({}).shareCodes, issuers: [DEMO_SECRETARIAT] } },
    {
      seed: async (db) => {
        await givenPatient(db, { id: 'lefevre' });
        await givenPatient(db, { id: 'girard' });
        const centre = { organization: 'CENTRE D’IMAGERIE DE DEMONSTRATION', organization_id: DEMO_FINESS.imaging };
        await givenExam(db, 'lefevre', {
          id: 'exam-lefevre-ct',
          ...centre,
          performed_at: '2026-11-20T09:30:00Z',
          title: 'Scanner thoracique sans injection',
          report: 'Conclusion : discrètes bronchectasies basales.',
        });
        await givenExam(db, 'girard', { id: 'exam-girard-mri', ...centre, performed_at: '2026-11-18T14:00:00Z' });
      },
    },
  );
  baseUrl = await platform.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => platform.close());

const physician = async () => ({ baseUrl, accessToken: await platform.issuer.mint() });
const secretariat = async () => ({ baseUrl, accessToken: await platform.issuer.mint({ claims: secretariatClaims }) });
/** A physician no code was redeemed by. */
const colleague = async () => ({ baseUrl, accessToken: await platform.issuer.mint(colleagueOf(1)) });

describe('share codes client against the real platform', () => {
  it('the secretariat issues a code; the physician redeems it, lists the exam and reads its report and images link', async () => {
    const exams = await centreExams(await secretariat());
    expect(exams.status === 'ok' && exams.exams.map((e) => e.id)).toEqual(['exam-lefevre-ct', 'exam-girard-mri']);
    const issued = await issueCode('exam-lefevre-ct', { singleUse: false }, await secretariat());
    if (issued.status !== 'ok') throw new Error(issued.status);
    const redeemed = await redeemCode(issued.issued.code.toLowerCase(), await physician());
    expect(redeemed).toEqual({
      status: 'ok',
      exam: {
        id: 'exam-lefevre-ct',
        title: 'Scanner thoracique sans injection',
        date: '2026-11-20T09:30:00Z',
        organization: 'CENTRE D’IMAGERIE DE DEMONSTRATION',
        patientId: 'lefevre',
      },
    });
    const mine = await grantedExams(await physician());
    expect(mine.status === 'ok' && mine.exams.map((e) => e.id)).toEqual(['exam-lefevre-ct']);
    const read = await readExam('exam-lefevre-ct', await physician());
    expect(read.status === 'ok' && read.exam.report).toContain('Conclusion : discrètes bronchectasies');
    expect(read.status === 'ok' && read.exam.imagesUrl).toBe(`${baseUrl}/viewer/exam-lefevre-ct`);
    // Whose exam it is, as the platform holds them: the report page's banner.
    expect(read.status === 'ok' && read.patient).toMatchObject({ id: 'lefevre', birthDate: expect.any(String) });
    // A colleague it was not shared with: told so, as for an unknown exam.
    const refused = {
      status: 'unavailable',
      reason: 'refused',
      detail: 'Examen introuvable ou non partagé avec vous.',
    };
    expect(await readExam('exam-lefevre-ct', await colleague())).toEqual(refused);
    expect(await readExam('nothing', await colleague())).toEqual(refused);
  });

  it('says in French what is wrong with a mistyped code, without asking the platform', async () => {
    const fetch = vi.fn(globalThis.fetch);
    const code = formatCode(newCode());
    const typo = (code[0] === '8' ? '9' : '8') + code.slice(1);
    const result = await redeemCode(typo, { ...(await physician()), fetch });
    expect(result).toEqual({
      status: 'unavailable',
      reason: 'refused',
      detail: 'Ce code contient une faute de frappe : vérifiez-le, caractère par caractère.',
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('shows the platform’s reason for a revoked code; the physician cannot use the secretariat’s routes', async () => {
    const issued = await issueCode('exam-girard-mri', { singleUse: false }, await secretariat());
    if (issued.status !== 'ok') throw new Error(issued.status);
    expect(await revokeCode(issued.issued.id, await secretariat())).toEqual({ status: 'ok' });
    expect(await redeemCode(issued.issued.code, await physician())).toMatchObject({
      status: 'unavailable',
      reason: 'refused',
      detail: expect.stringMatching(/^Ce code a été révoqué le/),
    });
    expect(await centreExams(await physician())).toEqual({
      status: 'unavailable',
      reason: 'forbidden',
      detail: 'Réservé au secrétariat d’imagerie.',
    });
  });
});
