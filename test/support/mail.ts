/**
 * MSSanté in tests, by the production path: the demo's SMTP gateway (`server/demo/smtp.ts`) on the
 * loopback, delivering into a folder of the test's own, and the platform's worker sending the
 * test platform's outbox to it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoSmtp, type DemoSmtp } from '../../server/demo/smtp.ts';
import { mailWorker } from '../../server/mail/outbox.ts';
import { mailTransport } from '../../server/mail/transport.ts';
import { TEST_SENDER, type TestPlatform } from './platform.ts';

export interface TestMailbox {
  dir: string;
  smtp: DemoSmtp;
  /** Hands the platform's due messages to the gateway; answers how many it took. */
  deliver(platform: Pick<TestPlatform, 'db' | 'deps'>): Promise<number>;
  /** The messages delivered so far, oldest first. */
  messages(): string[];
  close(): Promise<void>;
}

export async function testMailbox(): Promise<TestMailbox> {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-mailbox-'));
  const smtp = await startDemoSmtp({ mailboxDir: dir });
  const transport = mailTransport(smtp.mail);
  return {
    dir,
    smtp,
    deliver: (platform) =>
      mailWorker({ db: platform.db, transport, sender: TEST_SENDER, now: platform.deps.now }).deliver(),
    messages: () =>
      readdirSync(dir)
        .sort()
        .map((f) => readFileSync(join(dir, f), 'utf8')),
    async close() {
      transport.close();
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
