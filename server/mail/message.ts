/**
 * An MSSanté message as the platform writes it: RFC 5322, UTF-8 body, RFC 2047 headers, a
 * `Message-ID` of its own (the same at every delivery attempt) and a read-receipt request
 * (`Disposition-Notification-To`, RFC 8098) to the sending mailbox. Delivery status notifications
 * (RFC 3464) are asked of the gateway at send time (`outbox.ts`).
 */
import { randomUUID } from 'node:crypto';

/** RFC 2047 encoded word, for non-ASCII header values. */
const encoded = (value: string) =>
  /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;

export interface Mail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  body: string;
  now: Date;
}

export function mssanteMail(mail: Mail): { messageId: string; raw: string } {
  const domain = mail.from.address.split('@')[1] ?? 'passerelle.invalid';
  const messageId = `<${randomUUID()}@${domain}>`;
  const raw = [
    `From: ${encoded(mail.from.name)} <${mail.from.address}>`,
    `To: <${mail.to}>`,
    `Subject: ${encoded(mail.subject)}`,
    `Date: ${mail.now.toUTCString()}`,
    `Message-ID: ${messageId}`,
    `Disposition-Notification-To: <${mail.from.address}>`,
    `MIME-Version: 1.0`,
    `Content-Type: text/plain; charset=utf-8`,
    `Content-Transfer-Encoding: 8bit`,
    ``,
    mail.body,
    ``,
  ].join('\r\n');
  return { messageId, raw };
}

/** The patient's MSSanté address (Mon Espace Santé): their INS at `patient.mssante.fr`. */
export const patientAddress = (ins: string) => `${ins}@patient.mssante.fr`;
