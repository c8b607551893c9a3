/** The SMTP connection to the MSSanté operator's gateway (nodemailer), as configured (docs/mssante.md). */
import { readFileSync } from 'node:fs';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { PlatformConfig } from '../config.ts';

/** How to reach the gateway: the connection settings of `PlatformConfig['mail']`. */
export type GatewaySettings = Pick<PlatformConfig['mail'], 'host' | 'port' | 'tls' | 'certFile' | 'keyFile' | 'caFile'>;

export function mailTransport(
  mail: GatewaySettings,
): Transporter<SMTPTransport.SentMessageInfo, SMTPTransport.Options> {
  const read = (file?: string) => (file ? readFileSync(file) : undefined);
  return createTransport({
    host: mail.host,
    port: mail.port,
    // Implicit TLS, or STARTTLS required (never a silent fall back to plain text).
    secure: mail.tls === 'implicit',
    requireTLS: mail.tls === 'starttls',
    ignoreTLS: mail.tls === 'none',
    tls: {
      minVersion: 'TLSv1.2',
      ...(mail.certFile ? { cert: read(mail.certFile), key: read(mail.keyFile) } : {}),
      ...(mail.caFile ? { ca: read(mail.caFile) } : {}),
    },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}
