import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSymbol, formatCode, newCode, parseCode } from '../../src/core/share-code.ts';
import { LEFEVRE, givenExam, givenPatient } from '../../test/support/builders.ts';
import { validateR4 } from '../../test/support/fhir.ts';
import { testMailbox, type TestMailbox } from '../../test/support/mail.ts';
import { callAs, outcomeText } from '../../test/support/http.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import type { MintOptions } from '../../test/support/tokens.ts';
import { configFromEnv } from '../config.ts';
import { DEMO_SECRETARIAT, DEV_PROFESSIONALS, pscClaimsOf } from '../identity/dev-professionals.ts';

const demoSecretary = DEV_PROFESSIONALS.find((p) => p.idNps === DEMO_SECRETARIAT)!;
const secretariat: MintOptions = { claims: pscClaimsOf(demoSecretary) };
/** The secretariat of another imaging centre, also allowed to issue codes (for its own exams). */
const OTHER_SECRETARY_IDNPS = '3999700000033';
const otherCentre: MintOptions = {
  claims: pscClaimsOf({
    ...demoSecretary,
    accountId: 'f:other-centre:secretariat',
    idNps: OTHER_SECRETARY_IDNPS,
    organization: 'CABINET DE RADIOLOGIE VOISIN',
    finess: '990000054',
  }),
};
const colleague = (n: number): MintOptions => ({
  claims: pscClaimsOf({
    ...DEV_PROFESSIONALS[0]!,
    rpps: `9970099${String(n).padStart(4, '0')}`,
    familyName: `CONFRERE${n}`,
  }),
});

const prescriber = DEV_PROFESSIONALS[0]!;

/** The centre's two exams: LEFÈVRE's scanner, prescribed by a physician with an MSSanté address; GIRARD's MRI. */
async function givenExams(db: TestPlatform['db']): Promise<void> {
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

let platform: TestPlatform;
let mailbox: TestMailbox;
let clock = new Date('2026-11-23T10:00:00Z');
const defaults = configFromEnv({}).shareCodes;

beforeAll(async () => {
  mailbox = await testMailbox();
  platform = await testPlatform(
    {
      shareCodes: {
        ...defaults,
        issuers: [DEMO_SECRETARIAT, OTHER_SECRETARY_IDNPS],
        perAddress: 1000,
      },
    },
    { now: () => clock, seed: givenExams },
  );
});
afterAll(async () => {
  await platform.close();
  await mailbox.close();
});

const call = (method: 'GET' | 'POST', url: string, as: MintOptions = {}, body?: unknown) =>
  callAs(platform, method, url, as, body);

const issue = async (exam = 'exam-lefevre-ct', body: unknown = {}) => {
  const res = await call('POST', `/share/exams/${exam}/codes`, secretariat, body);
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string; code: string; expiresAt: string; singleUse: boolean }>();
};
const redeem = (code: string, as: MintOptions = {}) =>
  call('POST', '/fhir/$redeem-share-code', as, {
    resourceType: 'Parameters',
    parameter: [{ name: 'code', valueString: code }],
  });
const text = outcomeText;
/** Same locator, another secret: a wrong attempt against that code. */
const wrongSecret = (code: string) => {
  const clear = parseCode(code);
  if (!clear.ok) throw new Error('bad code');
  for (;;) {
    const data = clear.locator + newCode().slice(4, 12);
    if (data !== clear.code.slice(0, 12)) return formatCode(data + checkSymbol(data));
  }
};
const count = async (table: 'exam_access' | 'audit_event', where?: [string, string]) =>
  Number(
    (
      await platform.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .$if(where !== undefined, (q) => q.where(where![0] as never, '=', where![1] as never))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('issuing (imaging secretariat)', () => {
  it('lists the centre’s exams and issues a code shown once, stored only as keyed hashes', async () => {
    const list = await call('GET', '/share/exams', secretariat);
    expect(list.statusCode).toBe(200);
    expect(list.json().map((e: { id: string }) => e.id)).toEqual(['exam-lefevre-ct', 'exam-girard-mri']);
    const issued = await issue();
    expect(parseCode(issued.code)).toMatchObject({ ok: true });
    expect(issued.code).toMatch(/^.{4}-.{4}-.{4}-.$/);
    expect(Date.parse(issued.expiresAt) - clock.getTime()).toBe(30 * 86_400_000);
    const stored = JSON.stringify(await platform.db.selectFrom('share_code').selectAll().execute());
    const parsed = parseCode(issued.code);
    const clear = parsed.ok ? parsed.code : '';
    expect(stored).not.toContain(clear);
    expect(stored).not.toContain(clear.slice(0, 4));
    expect(await count('audit_event', ['kind', 'share-code-issue'])).toBeGreaterThan(0);
  });

  it('is for the secretariat only', async () => {
    for (const as of [{}, { as: 'nurse' } as MintOptions]) {
      const res = await call('POST', '/share/exams/exam-lefevre-ct/codes', as, {});
      expect(res.statusCode).toBe(403);
      expect(text(res)).toBe('Réservé au secrétariat d’imagerie.');
    }
    // Staff without a health profession reach only the routes meant for them.
    expect((await call('GET', '/fhir/Patient?identifier=x', secretariat)).statusCode).toBe(403);
  });

  it('another imaging centre can neither list, revoke nor send this centre’s codes', async () => {
    const issued = await issue();
    expect((await call('GET', '/share/exams', otherCentre)).json()).toEqual([]);
    const revoke = await call('POST', `/share/codes/${issued.id}/revoke`, otherCentre);
    const send = await call('POST', `/share/codes/${issued.id}/send`, otherCentre, { code: issued.code });
    const unknown = await call('POST', '/share/codes/no-such-code/revoke', otherCentre);
    for (const res of [revoke, send]) {
      expect(res.statusCode).toBe(404);
      expect(text(res)).toBe(text(unknown));
    }
    expect((await redeem(issued.code, colleague(30))).statusCode).toBe(200);
  });

  it('sends the code to the prescriber by MSSanté (SMTP), in a message naming the patient', async () => {
    const issued = await issue();
    const before = mailbox.messages().length;
    const wrong = await call('POST', `/share/codes/${issued.id}/send`, secretariat, { code: wrongSecret(issued.code) });
    expect(wrong.statusCode).toBe(422);
    const sent = await call('POST', `/share/codes/${issued.id}/send`, secretariat, { code: issued.code });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toEqual({ id: issued.id, sentTo: 'julien.moreau@ch-demo.mssante.fr' });
    expect(await mailbox.deliver(platform)).toBe(1);
    const messages = mailbox.messages();
    expect(messages).toHaveLength(before + 1);
    const eml = messages.at(-1)!;
    expect(eml).toContain('To: <julien.moreau@ch-demo.mssante.fr>');
    expect(eml).toContain(`Code de partage : ${issued.code}`);
    expect(eml).toContain('INS : 2 55 08 14 168 025 38');
    expect(eml).toMatch(/^Subject: =\?UTF-8\?B\?/m);
  });
});

describe('redeeming', () => {
  it('opens the exam (a valid R4 DocumentReference with the report and the images link) and grants lasting access', async () => {
    const { code } = await issue();
    const res = await redeem(code.toLowerCase().replace(/-/g, ' '));
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    validateR4(doc);
    expect(doc).toMatchObject({
      resourceType: 'DocumentReference',
      id: 'exam-lefevre-ct',
      subject: { reference: 'Patient/lefevre' },
    });
    expect(Buffer.from(doc.content[0].attachment.data, 'base64').toString('utf8')).toContain('SCANNER THORACIQUE');
    expect(doc.content[1].attachment.url).toBe('/viewer/exam-lefevre-ct');
    const mine = await call('GET', '/fhir/DocumentReference');
    expect(mine.json().entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['exam-lefevre-ct']);
    const read = await call('GET', '/fhir/DocumentReference/exam-lefevre-ct');
    expect(read.statusCode).toBe(200);
    // Someone who never redeemed a code for it cannot read it, nor tell it exists.
    const other = await call('GET', '/fhir/DocumentReference/exam-lefevre-ct', colleague(1));
    expect(other.statusCode).toBe(404);
    expect(text(other)).toBe(text(await call('GET', '/fhir/DocumentReference/nothing', colleague(1))));
  });

  it('one professional’s wrong guesses never lock a code its holder is about to use', async () => {
    const { code } = await issue('exam-girard-mri');
    const attacker = colleague(2);
    // The attacker knows the locator (first group) and tries secrets: each answer counts down
    // *their own* attempts before a pause, not the code's.
    for (const left of [9, 8, 7, 6, 5]) {
      const res = await redeem(wrongSecret(code), attacker);
      expect(res.statusCode).toBe(404);
      expect(res.headers['remaining-attempts']).toBe(String(left));
      expect(text(res)).toBe(
        `Code erroné ou inconnu : vérifiez-le auprès du patient. Il vous reste ${left} essais avant une pause de 15 minutes.`,
      );
    }
    // The prescriber who holds the code opens the exam.
    expect((await redeem(code, colleague(4))).statusCode).toBe(200);
  });

  it('locks a code once wrong guesses for it came from several professionals', async () => {
    const { id, code } = await issue('exam-girard-mri');
    const listed = async () =>
      (await call('GET', '/share/exams', secretariat))
        .json()
        .flatMap((e: { codes: { id: string }[] }) => e.codes)
        .find((c: { id: string }) => c.id === id);
    for (const n of [11, 12]) expect((await redeem(wrongSecret(code), colleague(n))).statusCode).toBe(404);
    expect(await listed()).toMatchObject({ id, status: 'active' });
    await redeem(wrongSecret(code), colleague(13));
    expect(await listed()).toMatchObject({
      id,
      status: 'locked',
      wrongAttempts: 3,
    });
    const right = await redeem(code, colleague(14));
    expect(right.statusCode).toBe(410);
    expect(text(right)).toBe(
      'Ce code est bloqué après des essais erronés de plusieurs professionnels. Demandez un nouveau code au secrétariat d’imagerie.',
    );
  });

  it('answers a guess at a live locator exactly as one at a locator that names no code', async () => {
    const { code } = await issue('exam-girard-mri');
    const live = await redeem(wrongSecret(code), colleague(15));
    let dead = formatCode(newCode());
    while (dead.slice(0, 4) === code.slice(0, 4)) dead = formatCode(newCode());
    const none = await redeem(dead, colleague(16));
    expect([none.statusCode, text(none), none.headers['remaining-attempts']]).toEqual([
      live.statusCode,
      text(live),
      live.headers['remaining-attempts'],
    ]);
    expect(Object.keys(none.headers).sort()).toEqual(Object.keys(live.headers).sort());
  });

  it('says clearly, and differently, when a code expired or was revoked; a typo never reaches the platform’s counts', async () => {
    const expiring = await issue('exam-girard-mri', { days: 1 });
    const revoked = await issue('exam-girard-mri');
    expect((await call('POST', `/share/codes/${revoked.id}/revoke`, secretariat)).json()).toMatchObject({
      status: 'revoked',
    });
    const as = colleague(5);
    const gone = await redeem(revoked.code, as);
    expect(gone.statusCode).toBe(410);
    expect(text(gone)).toMatch(/^Ce code a été révoqué le \d\d\/\d\d\/\d{4} par le secrétariat d’imagerie\.$/);
    clock = new Date(clock.getTime() + 2 * 86_400_000);
    const late = await redeem(expiring.code, as);
    expect(late.statusCode).toBe(410);
    expect(text(late)).toMatch(/^Ce code a expiré le \d\d\/\d\d\/\d{4}\. Demandez un nouveau code/);
    const attempts = async () =>
      (await platform.db.selectFrom('share_attempt').select('id').where('idnps', '=', '899700990005').execute()).length;
    const before = await attempts();
    const typo = await redeem(expiring.code.slice(0, -1) + (expiring.code.endsWith('0') ? '1' : '0'), as);
    expect(typo.statusCode).toBe(400);
    expect(text(typo)).toMatch(/^Code mal saisi/);
    expect(await attempts()).toBe(before);
  });

  it('single use: the first professional opens it, and keeps access; the next one is told it was used', async () => {
    const { code } = await issue('exam-girard-mri', { singleUse: true });
    expect((await redeem(code, colleague(6))).statusCode).toBe(200);
    expect((await redeem(code, colleague(6))).statusCode).toBe(200);
    const next = await redeem(code, colleague(7));
    expect(next.statusCode).toBe(410);
    expect(text(next)).toBe('Ce code à usage unique a déjà été utilisé.');
  });

  it('single use, redeemed by eight professionals at once: one opens the exam, the others are told it was used', async () => {
    const { id, code } = await issue('exam-girard-mri', { singleUse: true });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => redeem(code, colleague(60 + i))));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 410, 410, 410, 410, 410, 410, 410]);
    const granted = await platform.db
      .selectFrom('exam_access')
      .select('idnps')
      .where('share_code_id', '=', id)
      .execute();
    expect(granted).toHaveLength(1);
  });

  it('serialises parallel attempts: 20 wrong ones at once lock the code at exactly the third professional', async () => {
    const { id, code } = await issue('exam-girard-mri');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => redeem(wrongSecret(code), colleague(100 + i))),
    );
    expect(new Set(results.map((r) => r.statusCode))).toEqual(new Set([404]));
    expect(new Set(results.map((r) => r.headers['remaining-attempts']))).toEqual(new Set(['9']));
    const row = await platform.db
      .selectFrom('share_code')
      .select(['wrong_attempts', 'status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    // Serialised: exactly three counted against it, the third locking it (later guesses meet a locked code).
    expect(row).toEqual({ wrong_attempts: 3, status: 'locked' });
  });

  it('throttles a professional who gives too many wrong codes, with the same answer whatever the code', async () => {
    const { code } = await issue();
    const as = colleague(8);
    for (let i = 0; i < 10; i++) expect((await redeem(formatCode(newCode()), as)).statusCode).toBe(404);
    const blocked = await redeem(code, as);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('900');
    expect(text(blocked)).toBe('Trop de codes erronés : réessayez dans 15 minutes.');
    expect(text(await redeem(formatCode(newCode()), as))).toBe(text(blocked));
    // Another professional is not held back; the first one is again after the window.
    expect((await redeem(code, colleague(9))).statusCode).toBe(200);
    clock = new Date(clock.getTime() + 16 * 60_000);
    expect((await redeem(code, as)).statusCode).toBe(200);
  });

  it('audits every attempt, success or failure', async () => {
    const before = await count('audit_event', ['kind', 'share-code-redeem']);
    const { code } = await issue();
    await redeem(code, colleague(10));
    await redeem(formatCode(newCode()), colleague(10));
    await redeem(wrongSecret(code), colleague(10));
    expect(await count('audit_event', ['kind', 'share-code-redeem'])).toBe(before + 3);
  });
});

describe('behind the hospital’s reverse proxy', () => {
  it('holds back those who guessed wrong from a busy address, never a colleague with the right code', async () => {
    const behind = await testPlatform(
      {
        trustProxy: ['127.0.0.1'],
        shareCodes: { ...defaults, issuers: [DEMO_SECRETARIAT], perAddress: 2, perProfessional: 100 },
      },
      { seed: givenExams },
    );
    const redeemFrom = async (address: string, as: MintOptions, code: string) =>
      (
        await behind.app.inject({
          method: 'POST',
          url: '/fhir/$redeem-share-code',
          headers: {
            ...(await behind.issuer.bearer(as)),
            'content-type': 'application/json',
            'x-forwarded-for': address,
          },
          payload: JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'code', valueString: code }] }),
        })
      ).statusCode;
    const guess = () => formatCode(newCode());
    const hospital = '10.1.1.1';
    // Two wrong codes from the hospital's address: its count is reached.
    expect([
      await redeemFrom(hospital, colleague(401), guess()),
      await redeemFrom(hospital, colleague(402), guess()),
    ]).toEqual([404, 404]);
    // Those who guessed wrong from it are held back, whatever they type…
    expect(await redeemFrom(hospital, colleague(401), guess())).toBe(429);
    // …a colleague behind the same proxy with the code the patient gave is not.
    const issued = await behind.app.inject({
      method: 'POST',
      url: '/share/exams/exam-lefevre-ct/codes',
      headers: { ...(await behind.issuer.bearer(secretariat)), 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(await redeemFrom(hospital, colleague(403), issued.json().code)).toBe(200);
    // Another address is counted apart.
    expect(await redeemFrom('10.2.2.2', colleague(404), guess())).toBe(404);
    await behind.close();
  });
});

describe('brute force', () => {
  it('fires wrong codes at full speed for a bounded time: no redemption, the code locked, the attackers throttled', async () => {
    const { id, code } = await issue('exam-girard-mri');
    const accessBefore = await count('exam_access');
    const until = performance.now() + 1500;
    const statuses: number[] = [];
    // Eight attackers at once, each a professional with a valid token: half know the code's
    // locator (the worst case), half guess whole codes.
    await Promise.all(
      Array.from({ length: 8 }, async (_, a) => {
        while (performance.now() < until) {
          const guess = a % 2 === 0 ? wrongSecret(code) : formatCode(newCode());
          statuses.push((await redeem(guess, colleague(200 + a))).statusCode);
        }
      }),
    );
    expect(statuses.length).toBeGreaterThan(80);
    expect(statuses).not.toContain(200);
    expect(new Set(statuses)).toEqual(new Set([404, 429]));
    expect(await count('exam_access')).toBe(accessBefore);
    const row = await platform.db
      .selectFrom('share_code')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('locked');
    // Once locked, even the right code no longer opens it.
    expect((await redeem(code, colleague(300))).statusCode).toBe(410);
  });
});
