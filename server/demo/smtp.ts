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
import { SMTPServer } from 'smtp-server';
import type { PlatformConfig } from '../config.ts';

export const DEMO_SENDER = 'ne-pas-repondre@passerelle-demo.mssante.fr';

const known = (address: string) => /@([a-z0-9-]+\.)*mssante\.fr$/i.test(address) && !/^inconnu/i.test(address);

export interface DemoSmtp {
  /** The platform's mail settings to reach it. */
  mail: PlatformConfig['mail'];
  close(): Promise<void>;
}

export async function startDemoSmtp(options: { mailboxDir: string; port?: number }): Promise<DemoSmtp> {
  const server = new SMTPServer({
    // Loopback only, no password: the demo's stand-in for the operator's gateway.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'Passerelle demo MSSanté gateway',
    size: 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (known(address.address)) return callback();
      return callback(Object.assign(new Error('5.1.1 Destinataire inconnu'), { responseCode: 550 }));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const file = join(options.mailboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
        mkdir(options.mailboxDir, { recursive: true })
          .then(() => writeFile(file, Buffer.concat(chunks), { mode: 0o600 }))
          .then(
            () => callback(),
            (error: Error) => callback(error),
          );
      });
    },
  });
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
