/**
 * Receipts read over IMAP, against a real IMAP server (Debian's Dovecot, throw-away): the delivery
 * notification the MSSanté gateway returns lands in the platform's mailbox; the platform reads it,
 * matches it to the share code's message, and does not read it twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type TestImap } from '../../test/support/dovecot.ts';
import { givenExam, givenPatient } from '../../test/support/builders.ts';
import { callAs } from '../../test/support/http.ts';
import { testMailbox, type TestMailbox } from '../../test/support/mail.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { configFromEnv } from '../config.ts';
import { DEMO_SECRETARIAT, DEV_PROFESSIONALS, pscClaimsOf } from '../identity/dev-professionals.ts';
import { imapSource } from './imap.ts';
import { takeReceipts } from './intake.ts';

const secretary = DEV_PROFESSIONALS.find((p) => p.idNps === DEMO_SECRETARIAT)!;
let imap: TestImap;
let mailbox: TestMailbox;
let platform: TestPlatform;

beforeEach(async () => {
  imap = await startDovecot();
  mailbox = await testMailbox();
  platform = await testPlatform(
    { shareCodes: { ...configFromEnv({}).shareCodes, issuers: [DEMO_SECRETARIAT] } },
    {
      seed: async (db) => {
        await givenPatient(db, { id: 'girard' });
        await givenExam(db, 'girard', {
          id: 'exam-1',
          organization: secretary.organization,
          organization_id: secretary.finess,
          prescriber_mssante: 'julien.moreau@ch-demo.mssante.fr',
        });
      },
    },
  );
});
afterEach(async () => {
  await platform.close();
  await mailbox.close();
  await imap.close();
});

describe('MSSanté receipts over IMAP', () => {
  it('reads the delivery notification from the platform’s mailbox, matches it, and marks it read', async () => {
    const as = { claims: pscClaimsOf(secretary) };
    const issued = (await callAs(platform, 'POST', '/share/exams/exam-1/codes', as, {})).json<{
      id: string;
      code: string;
    }>();
    await callAs(platform, 'POST', `/share/codes/${issued.id}/send`, as, { code: issued.code });
    expect(await mailbox.deliver(platform)).toBe(1);
    // The gateway's notification reaches the platform's mailbox (here: the MTA's delivery into it).
    for (const dsn of mailbox.returned()) imap.deliver(dsn);
    // Something else arrives there too: not a receipt, let go.
    imap.deliver('From: <a@b.mssante.fr>\r\nSubject: bonjour\r\n\r\nRien.\r\n');
    const source = imapSource(imap.settings);
    try {
      expect(await takeReceipts(platform.db, source, platform.deps.now)).toBe(1);
      const [row] = await platform.db.selectFrom('mail_outbox').select(['delivered_at']).execute();
      expect(row!.delivered_at).not.toBeNull();
      // Seen: not taken in again.
      expect(await takeReceipts(platform.db, source, platform.deps.now)).toBe(0);
    } finally {
      await source.close?.();
    }
  });
});
