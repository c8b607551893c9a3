/**
 * The platform's MSSanté mailbox read over IMAP (`imapflow`): where delivery and read notifications
 * come back. Unseen messages are taken in (`intake.ts`) and marked seen; the mailbox is otherwise
 * left as it is (the establishment's own tools may read it too).
 */
import { ImapFlow } from 'imapflow';
import type { PlatformConfig } from '../config.ts';
import type { ReceiptSource } from './intake.ts';

export type ImapSettings = NonNullable<PlatformConfig['mail']['imap']>;

export function imapSource(settings: ImapSettings): ReceiptSource {
  let client: ImapFlow | undefined;
  const connected = async () => {
    if (client?.usable) return client;
    client = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.tls === 'implicit',
      doSTARTTLS: settings.tls === 'starttls' ? true : settings.tls === 'none' ? false : undefined,
      auth: { user: settings.user, pass: settings.password },
      logger: false,
      tls: { minVersion: 'TLSv1.2' },
    });
    await client.connect();
    await client.mailboxOpen('INBOX');
    return client;
  };
  return {
    async waiting() {
      const imap = await connected();
      const uids = (await imap.search({ seen: false }, { uid: true })) || [];
      const messages: { id: string; raw: Buffer }[] = [];
      for (const uid of uids.slice(0, 50)) {
        const message = await imap.fetchOne(String(uid), { source: true }, { uid: true });
        if (message && message.source) messages.push({ id: String(uid), raw: message.source });
      }
      return messages;
    },
    async done(id) {
      const imap = await connected();
      await imap.messageFlagsAdd(id, ['\\Seen'], { uid: true });
    },
    async close() {
      await client?.logout().catch(() => undefined);
      client = undefined;
    },
  };
}
