/**
 * The MSSanté outbox by the production path (the demo's SMTP gateway on the loopback): a message
 * is written with its action or not at all; the gateway down, it waits and is sent once it is
 * back; an unknown recipient is a failure the secretariat sees, with the gateway's words.
 */
import { auditDiskFull } from '../../test/support/database.ts';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { givenExam, givenPatient } from '../../test/support/builders.ts';
import { callAs } from '../../test/support/http.ts';
import { testMailbox, type TestMailbox } from '../../test/support/mail.ts';
import { TEST_SENDER, testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import type { MintOptions } from '../../test/support/tokens.ts';
import { configFromEnv } from '../config.ts';
import { DEMO_SECRETARIAT, DEV_PROFESSIONALS, pscClaimsOf } from '../identity/dev-professionals.ts';
import { mailWorker } from './outbox.ts';
import { mailTransport } from './transport.ts';

const secretary = DEV_PROFESSIONALS.find((p) => p.idNps === DEMO_SECRETARIAT)!;
const secretariat: MintOptions = { claims: pscClaimsOf(secretary) };
const START = new Date('2026-11-24T09:00:00Z');
let clock = START;
let platform: TestPlatform;
let mailbox: TestMailbox;

beforeEach(async () => {
  clock = START;
  mailbox = await testMailbox();
  platform = await testPlatform(
    { shareCodes: { ...configFromEnv({}).shareCodes, issuers: [DEMO_SECRETARIAT] } },
    {
      now: () => clock,
      seed: async (db) => {
        await givenPatient(db, { id: 'girard', birthName: 'GIRARD' });
        const centre = { organization: secretary.organization, organization_id: secretary.finess };
        await givenExam(db, 'girard', {
          id: 'exam-known',
          ...centre,
          prescriber_mssante: 'julien.moreau@ch-demo.mssante.fr',
        });
        await givenExam(db, 'girard', {
          id: 'exam-unknown',
          ...centre,
          prescriber_mssante: 'inconnu.docteur@ch-demo.mssante.fr',
        });
      },
    },
  );
});
afterEach(async () => {
  await platform.close();
  await mailbox.close();
});

const call = (method: 'GET' | 'POST', url: string, body?: unknown) => callAs(platform, method, url, secretariat, body);

/** Issues a code for the exam and sends it to its prescriber: the message is queued. */
async function sendCode(exam: string) {
  const issued = (await call('POST', `/share/exams/${exam}/codes`, {})).json<{ id: string; code: string }>();
  const sent = await call('POST', `/share/codes/${issued.id}/send`, { code: issued.code });
  return { issued, sent };
}
const mailOf = async (codeId: string) => {
  const exams = (await call('GET', '/share/exams')).json<{ codes: { id: string; mail: unknown }[] }[]>();
  return exams.flatMap((e) => e.codes).find((c) => c.id === codeId)!.mail;
};
const deadPort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

/** A read notification (RFC 8098) as a webmail sends it back. */
const readNotification = (messageId: string) =>
  [
    'From: <julien.moreau@ch-demo.mssante.fr>',
    `To: <${TEST_SENDER}>`,
    'Subject: Lu : code de partage',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Votre message a été affiché.',
    '--b',
    'Content-Type: message/disposition-notification',
    '',
    'Final-Recipient: rfc822; julien.moreau@ch-demo.mssante.fr',
    `Original-Message-ID: ${messageId}`,
    'Disposition: manual-action/MDN-sent-manually; displayed',
    '',
    '--b--',
    '',
  ].join('\r\n');

describe('MSSanté outbox', () => {
  it('keeps the message while the gateway is down, and sends it once, with the same Message-ID, when it is back', async () => {
    const { issued, sent } = await sendCode('exam-known');
    expect(sent.statusCode).toBe(200);
    const down = mailWorker({
      db: platform.db,
      transport: mailTransport({ host: '127.0.0.1', port: await deadPort(), tls: 'none' }),
      sender: TEST_SENDER,
      now: () => clock,
    });
    expect(await down.deliver()).toBe(0);
    const [waiting] = await platform.db.selectFrom('mail_outbox').selectAll().execute();
    expect(waiting).toMatchObject({
      state: 'pending',
      attempts: 1,
      next_at: new Date(START.getTime() + 30_000).toISOString(),
    });
    expect(await mailOf(issued.id)).toMatchObject({ state: 'pending' });
    // Not due yet: the gateway back, nothing goes before the backoff.
    expect(await mailbox.deliver(platform)).toBe(0);
    clock = new Date(START.getTime() + 31_000);
    expect(await mailbox.deliver(platform)).toBe(1);
    expect(await mailbox.deliver(platform)).toBe(0);
    const [eml] = mailbox.messages();
    expect(eml).toContain(`Message-ID: ${waiting!.message_id}`);
    expect(eml).toContain('Disposition-Notification-To: <secretariat@imagerie-demo.mssante.fr>');
    expect(await mailOf(issued.id)).toMatchObject({ state: 'sent', at: clock.toISOString(), error: null });
  });

  it('sends each message once when the workers of two platform instances deliver at the same moment', async () => {
    for (let i = 0; i < 3; i++) expect((await sendCode('exam-known')).sent.statusCode).toBe(200);
    // Two workers (two instances) over the same outbox, at once.
    const taken = await Promise.all([mailbox.deliver(platform), mailbox.deliver(platform)]);
    expect(taken[0]! + taken[1]!).toBe(3);
    expect(mailbox.messages()).toHaveLength(3);
    const rows = await platform.db.selectFrom('mail_outbox').select(['state', 'attempts']).execute();
    expect(rows).toEqual(Array.from({ length: 3 }, () => ({ state: 'sent', attempts: 1 })));
  });

  it('follows the message to its delivery (the gateway’s notification) and its reading (the recipient’s)', async () => {
    const { issued } = await sendCode('exam-known');
    expect(await mailbox.deliver(platform)).toBe(1);
    expect(await mailOf(issued.id)).toMatchObject({ state: 'sent' });
    expect(await mailbox.receive(platform)).toBe(1);
    expect(await mailOf(issued.id)).toMatchObject({ state: 'delivered', at: clock.toISOString() });
    const [row] = await platform.db.selectFrom('mail_outbox').select('message_id').execute();
    // The prescriber's webmail sends the read notification the message asked for (RFC 8098).
    mailbox.arrive(readNotification(row!.message_id));
    clock = new Date(START.getTime() + 3600_000);
    expect(await mailbox.receive(platform)).toBe(1);
    expect(await mailOf(issued.id)).toMatchObject({ state: 'read', at: clock.toISOString() });
    // Read once: taken in, not read again.
    expect(await mailbox.receive(platform)).toBe(0);
  });

  it('flags a message still unread after the delay (MSSANTE_UNREAD_HOURS), not before', async () => {
    const { issued } = await sendCode('exam-known');
    await mailbox.deliver(platform);
    await mailbox.receive(platform);
    clock = new Date(START.getTime() + 47 * 3600_000);
    expect(await mailOf(issued.id)).toMatchObject({ state: 'delivered', unread: false });
    clock = new Date(START.getTime() + 49 * 3600_000);
    expect(await mailOf(issued.id)).toMatchObject({ state: 'delivered', unread: true });
  });

  it('marks a message the gateway refuses for good (unknown recipient) as failed, with its words, for the secretariat', async () => {
    const { issued } = await sendCode('exam-unknown');
    expect(await mailbox.deliver(platform)).toBe(0);
    const [failed] = await platform.db.selectFrom('mail_outbox').selectAll().execute();
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed!.error).toMatch(/550/);
    expect(await mailOf(issued.id)).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/Destinataire inconnu/),
    });
    expect(mailbox.messages()).toEqual([]);
    // Never tried again.
    clock = new Date(START.getTime() + 3600_000);
    expect(await mailbox.deliver(platform)).toBe(0);
  });

  it('writes no message when the send cannot be audited, and the send is refused', async () => {
    const issued = (await call('POST', '/share/exams/exam-known/codes', {})).json<{ id: string; code: string }>();
    const diskFull = await auditDiskFull(platform.db);
    const sent = await call('POST', `/share/codes/${issued.id}/send`, { code: issued.code });
    await diskFull();
    expect(sent.statusCode).toBe(503);
    expect(await platform.db.selectFrom('mail_outbox').selectAll().execute()).toEqual([]);
  });

  it('refuses to start without a gateway, or with plain text to a gateway elsewhere, naming the variable', async () => {
    const { checkMail } = await import('../config.ts');
    expect(() => checkMail(configFromEnv({}).mail)).toThrow(/MSSANTE_SMTP_HOST/);
    expect(() => checkMail(configFromEnv({ MSSANTE_SMTP_HOST: 'smtp.operateur.example' }).mail)).toThrow(
      /MSSANTE_SENDER/,
    );
    const plain = configFromEnv({
      MSSANTE_SMTP_HOST: 'smtp.operateur.example',
      MSSANTE_SMTP_TLS: 'none',
      MSSANTE_SENDER: 'passerelle@chu.mssante.fr',
    });
    expect(() => checkMail(plain.mail)).toThrow(/MSSANTE_SMTP_TLS=none/);
    expect(() => configFromEnv({ MSSANTE_SMTP_TLS: 'maybe' })).toThrow(/MSSANTE_SMTP_TLS/);
  });
});
