/**
 * MSSanté in tests, by the production path: the demo's SMTP gateway (`server/demo/smtp.ts`) on the
 * loopback, delivering into a folder of the test's own, and the platform's worker sending the
 * test platform's outbox to it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoSmtp, type DemoSmtp } from '../../server/demo/smtp.ts';
import { folderSource } from '../../server/mail/intake.ts';
import { mailWorker } from '../../server/mail/outbox.ts';
import { mailTransport } from '../../server/mail/transport.ts';
import { TEST_SENDER, type TestPlatform } from './platform.ts';

export interface TestMailbox {
  dir: string;
  smtp: DemoSmtp;
  /** Hands the platform's due messages to the gateway; answers how many it took. */
  deliver(platform: Pick<TestPlatform, 'db' | 'deps'>): Promise<number>;
  /** Takes in the receipts the gateway returned to the platform's mailbox; answers how many matched. */
  receive(platform: Pick<TestPlatform, 'db' | 'deps'>): Promise<number>;
  /** The notifications the gateway returned so far (raw), for a test that delivers them elsewhere. */
  returned(): string[];
  /** Puts a message in the platform's mailbox, as if it had come back (a read notification…). */
  arrive(raw: string): void;
  /** The messages delivered so far, oldest first. */
  messages(): string[];
  close(): Promise<void>;
}

export async function testMailbox(): Promise<TestMailbox> {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-mailbox-'));
  const receiptsDir = join(dir, 'platform-mailbox');
  const smtp = await startDemoSmtp({ mailboxDir: join(dir, 'inbox'), receiptsDir });
  const transport = mailTransport(smtp.mail);
  const worker = (platform: Pick<TestPlatform, 'db' | 'deps'>) =>
    mailWorker({
      db: platform.db,
      transport,
      sender: TEST_SENDER,
      now: platform.deps.now,
      receipts: folderSource(receiptsDir),
    });
  return {
    dir,
    smtp,
    deliver: (platform) => worker(platform).deliver(),
    receive: (platform) => worker(platform).receive(),
    returned: () =>
      (existsSync(receiptsDir) ? readdirSync(receiptsDir) : [])
        .sort()
        .map((f) => readFileSync(join(receiptsDir, f), 'utf8')),
    arrive: (raw) => writeFileSync(join(receiptsDir, `zz-${Date.now()}.eml`), raw),
    messages: () =>
      (existsSync(join(dir, 'inbox')) ? readdirSync(join(dir, 'inbox')) : [])
        .sort()
        .map((f) => readFileSync(join(dir, 'inbox', f), 'utf8')),
    async close() {
      transport.close();
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
