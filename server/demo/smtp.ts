/**
 * The demo's MSSanté gateway: an SMTP server (`smtp-server`) on the loopback that takes the
 * platform's messages and delivers them into the demo webmail's mailbox folder, so that the demo
 * runs the production path (outbox, worker, SMTP). As an operator's gateway does, it refuses a
 * recipient it does not know (550): an address outside `mssante.fr`, or one whose name starts
 * with `inconnu`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { PlatformConfig } from '../config.ts';

export const DEMO_SENDER = 'ne-pas-repondre@passerelle-demo.mssante.fr';

const known = (address: string) => /@([a-z0-9-]+\.)*mssante\.fr$/i.test(address) && !/^inconnu/i.test(address);

export interface DemoSmtp {
  /** The platform's mail settings to reach it. */
  mail: Pick<PlatformConfig['mail'], 'host' | 'port' | 'tls' | 'sender'>;
  close(): Promise<void>;
}

/** A delivery status notification (RFC 3464) as a gateway returns it to the sender's mailbox. */
function deliveryReport(envid: string, recipient: string, at: Date): string {
  const boundary = `dsn-${randomUUID()}`;
  return [
    'From: Passerelle demo MSSanté gateway <mailer-daemon@passerelle-demo.mssante.fr>',
    `To: <${DEMO_SENDER}>`,
    'Subject: Delivery Status Notification (Success)',
    `Date: ${at.toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Le message a été remis à ${recipient}.`,
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Original-Envelope-Id: ${envid}`,
    'Reporting-MTA: dns; passerelle-demo.mssante.fr',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: delivered',
    'Status: 2.0.0',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

export async function startDemoSmtp(options: {
  mailboxDir: string;
  /** Where delivery notifications asked for are returned (the platform's mailbox); none if unset. */
  receiptsDir?: string;
  port?: number;
}): Promise<DemoSmtp> {
  const server = new SMTPServer({
    // Loopback only, no password: the demo's stand-in for the operator's gateway.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'Passerelle demo MSSanté gateway',
    // Delivery status notifications asked for (RFC 3461) are returned, as an operator's gateway does.
    hideDSN: false,
    size: 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (known(address.address)) return callback();
      return callback(Object.assign(new Error('5.1.1 Destinataire inconnu'), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const file = join(options.mailboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
        mkdir(options.mailboxDir, { recursive: true })
          .then(() => writeFile(file, Buffer.concat(chunks), { mode: 0o600 }))
          .then(() => report(session))
          .then(
            () => callback(),
            (error: Error) => callback(error),
          );
      });
    },
  });
  /** Delivered: a success notification to the sender, for each recipient who asked for one. */
  const report = async (session: SMTPServerSession) => {
    const envid = session.envelope.dsn?.envid;
    if (!options.receiptsDir || !envid) return;
    await mkdir(options.receiptsDir, { recursive: true });
    for (const rcpt of session.envelope.rcptTo) {
      const notify = (rcpt as { dsn?: { notify?: string[] } }).dsn?.notify ?? [];
      if (!notify.includes('SUCCESS')) continue;
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
      await writeFile(join(options.receiptsDir, name), deliveryReport(envid, rcpt.address, new Date()), {
        mode: 0o600,
      });
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    mail: { host: '127.0.0.1', port, tls: 'none', sender: DEMO_SENDER },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
