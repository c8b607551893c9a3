/**
 * The share-code routes' tests' platform (`server/routes/share-code*.test.ts`): two imaging centres,
 * their secretariats, the centre's two exams, a mailbox for MSSanté messages, a clock the tests
 * move forward, and the calls each test makes.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { checkSymbol, formatCode, newCode, parseCode } from '../../src/core/share-code.ts';
import { configFromEnv } from '../../server/config.ts';
import { DEMO_SECRETARIAT, DEV_PROFESSIONALS, pscClaimsOf } from '../../server/identity/dev-professionals.ts';
import { LEFEVRE, givenExam, givenPatient } from './builders.ts';
import { callAs } from './http.ts';
import { testMailbox, type TestMailbox } from './mail.ts';
import { testPlatform, type TestPlatform } from './platform.ts';
import type { MintOptions } from './tokens.ts';

export const demoSecretary = DEV_PROFESSIONALS.find((p) => p.idNps === DEMO_SECRETARIAT)!;
export const secretariat: MintOptions = { claims: pscClaimsOf(demoSecretary) };
/** The secretariat of another imaging centre, also allowed to issue codes (for its own exams). */
export const OTHER_SECRETARY_IDNPS = '3999700000033';
export const otherCentre: MintOptions = {
  claims: pscClaimsOf({
    ...demoSecretary,
    accountId: 'f:other-centre:secretariat',
    idNps: OTHER_SECRETARY_IDNPS,
    organization: 'CABINET DE RADIOLOGIE VOISIN',
    finess: '990000054',
  }),
};
export const colleague = (n: number): MintOptions => ({
  claims: pscClaimsOf({
    ...DEV_PROFESSIONALS[0]!,
    rpps: `9970099${String(n).padStart(4, '0')}`,
    familyName: `CONFRERE${n}`,
  }),
});

const prescriber = DEV_PROFESSIONALS[0]!;

/** The centre's two exams: LEFÈVRE's scanner, prescribed by a physician with an MSSanté address; GIRARD's MRI. */
export async function givenExams(db: TestPlatform['db']): Promise<void> {
  await givenPatient(db, LEFEVRE);
  await givenPatient(db, { id: 'girard', birthName: 'GIRARD' });
  const centre = { organization: demoSecretary.organization, organization_id: demoSecretary.finess };
  await givenExam(db, 'lefevre', {
    id: 'exam-lefevre-ct',
    ...centre,
    performed_at: '2026-11-20T09:30:00Z',
    title: 'Scanner thoracique sans injection',
    report: 'SCANNER THORACIQUE SANS INJECTION\n\nConclusion : pas de lésion suspecte.',
    prescriber_name: `Dr ${prescriber.givenName} ${prescriber.familyName}`,
    prescriber_mssante: prescriber.mssante,
  });
  await givenExam(db, 'girard', {
    id: 'exam-girard-mri',
    ...centre,
    performed_at: '2026-11-18T14:00:00Z',
    modality: 'MR',
    title: 'IRM du genou droit',
  });
}

/** Same locator, another secret: a wrong attempt against that code. */
export const wrongSecret = (code: string) => {
  const clear = parseCode(code);
  if (!clear.ok) throw new Error('bad code');
  for (;;) {
    const data = clear.locator + newCode().slice(4, 12);
    if (data !== clear.code.slice(0, 12)) return formatCode(data + checkSymbol(data));
  }
};

/** The settings of the share codes, as a platform gets them by default. */
export const shareCodeDefaults = configFromEnv({}).shareCodes;

/** One platform for a test file (started before its tests, closed after), with its calls. */
export function shareCodePlatform() {
  let platform: TestPlatform | undefined;
  let mailbox: TestMailbox | undefined;
  let clock = new Date('2026-11-23T10:00:00Z');
  beforeAll(async () => {
    mailbox = await testMailbox();
    platform = await testPlatform(
      {
        shareCodes: {
          ...shareCodeDefaults,
          issuers: [DEMO_SECRETARIAT, OTHER_SECRETARY_IDNPS],
          perAddress: 1000,
        },
      },
      { now: () => clock, seed: givenExams },
    );
  });
  afterAll(async () => {
    await platform?.close();
    await mailbox?.close();
  });
  const call = (method: 'GET' | 'POST', url: string, as: MintOptions = {}, body?: unknown) =>
    callAs(platform!, method, url, as, body);
  return {
    get platform() {
      return platform!;
    },
    get mailbox() {
      return mailbox!;
    },
    get clock() {
      return clock;
    },
    /** Moves the platform's clock forward. */
    advance(ms: number) {
      clock = new Date(clock.getTime() + ms);
    },
    call,
    /** A new code for the exam, issued by the demo centre's secretariat. */
    async issue(exam = 'exam-lefevre-ct', body: unknown = {}) {
      const res = await call('POST', `/share/exams/${exam}/codes`, secretariat, body);
      expect(res.statusCode).toBe(201);
      return res.json<{ id: string; code: string; expiresAt: string; singleUse: boolean }>();
    },
    redeem: (code: string, as: MintOptions = {}) =>
      call('POST', '/fhir/$redeem-share-code', as, {
        resourceType: 'Parameters',
        parameter: [{ name: 'code', valueString: code }],
      }),
    /** Rows of the table (where the column has the value). */
    count: async (table: 'exam_access' | 'audit_event', where?: [string, string]) =>
      Number(
        (
          await platform!.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .$if(where !== undefined, (q) => q.where(where![0] as never, '=', where![1] as never))
            .executeTakeFirstOrThrow()
        ).n,
      ),
  };
}
