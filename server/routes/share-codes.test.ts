/**
 * Share codes (issue 7): the secretariat issues, revokes and sends them; a professional redeems one
 * and opens the exam. Wrong codes and their limits: `share-code-guesses.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { parseCode, formatCode, newCode } from '../../src/core/share-code.ts';
import { validateR4 } from '../../test/support/fhir.ts';
import { outcomeText as text } from '../../test/support/http.ts';
import { colleague, otherCentre, secretariat, shareCodePlatform, wrongSecret } from '../../test/support/share-codes.ts';
import type { MintOptions } from '../../test/support/tokens.ts';

const fixture = shareCodePlatform();
const { call, issue, redeem, count } = fixture;

describe('issuing (imaging secretariat)', () => {
  it('lists the centre’s exams and issues a code shown once, stored only as keyed hashes', async () => {
    const list = await call('GET', '/share/exams', secretariat);
    expect(list.statusCode).toBe(200);
    expect(list.json().map((e: { id: string }) => e.id)).toEqual(['exam-lefevre-ct', 'exam-girard-mri']);
    const issued = await issue();
    expect(parseCode(issued.code)).toMatchObject({ ok: true });
    expect(issued.code).toMatch(/^.{4}-.{4}-.{4}-.$/);
    expect(Date.parse(issued.expiresAt) - fixture.clock.getTime()).toBe(30 * 86_400_000);
    const stored = JSON.stringify(await fixture.platform.db.selectFrom('share_code').selectAll().execute());
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
    const before = fixture.mailbox.messages().length;
    const wrong = await call('POST', `/share/codes/${issued.id}/send`, secretariat, { code: wrongSecret(issued.code) });
    expect(wrong.statusCode).toBe(422);
    const sent = await call('POST', `/share/codes/${issued.id}/send`, secretariat, { code: issued.code });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toEqual({ id: issued.id, sentTo: 'julien.moreau@ch-demo.mssante.fr' });
    expect(await fixture.mailbox.deliver(fixture.platform)).toBe(1);
    const messages = fixture.mailbox.messages();
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
  it('lists the exams shared with a professional without their reports: each report is read by itself, audited', async () => {
    const { code } = await issue();
    await redeem(code);
    const reads = await count('audit_event', ['kind', 'exam-read']);
    const mine = await call('GET', '/fhir/DocumentReference');
    expect(mine.json().entry).toHaveLength(1);
    expect(mine.json().entry[0].resource.content[0].attachment.data).toBeUndefined();
    expect(await count('audit_event', ['kind', 'exam-read'])).toBe(reads);
    // By its id: the report, and its patient when asked (the report page's banner), audited once.
    const one = await call('GET', '/fhir/DocumentReference?_id=exam-lefevre-ct&_include=DocumentReference:subject');
    validateR4(one.json());
    const [doc, patient] = one.json().entry.map((e: { resource: unknown; search: unknown }) => e);
    expect(doc).toMatchObject({ resource: { id: 'exam-lefevre-ct' }, search: { mode: 'match' } });
    expect(Buffer.from(doc.resource.content[0].attachment.data, 'base64').toString('utf8')).toContain('SCANNER');
    expect(patient).toMatchObject({
      resource: { resourceType: 'Patient', id: 'lefevre' },
      search: { mode: 'include' },
    });
    expect(await count('audit_event', ['kind', 'exam-read'])).toBe(reads + 1);
    // Not shared with them, or unknown: nothing, alike, and nothing audited.
    const other = await call(
      'GET',
      '/fhir/DocumentReference?_id=exam-lefevre-ct&_include=DocumentReference:subject',
      colleague(1),
    );
    const unknown = await call(
      'GET',
      '/fhir/DocumentReference?_id=nothing&_include=DocumentReference:subject',
      colleague(1),
    );
    for (const res of [other, unknown]) {
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ resourceType: 'Bundle', total: 0, entry: [] });
    }
    expect(await count('audit_event', ['kind', 'exam-read'])).toBe(reads + 1);
    // Any other parameter is refused, never ignored.
    expect((await call('GET', '/fhir/DocumentReference?patient=lefevre')).statusCode).toBe(400);
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
    fixture.advance(2 * 86_400_000);
    const late = await redeem(expiring.code, as);
    expect(late.statusCode).toBe(410);
    expect(text(late)).toMatch(/^Ce code a expiré le \d\d\/\d\d\/\d{4}\. Demandez un nouveau code/);
    const attempts = async () =>
      (await fixture.platform.db.selectFrom('share_attempt').select('id').where('idnps', '=', '899700990005').execute())
        .length;
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
    const granted = await fixture.platform.db
      .selectFrom('exam_access')
      .select('idnps')
      .where('share_code_id', '=', id)
      .execute();
    expect(granted).toHaveLength(1);
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
