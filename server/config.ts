import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHROME_EXTENSION_ID, CHROME_EXTENSION_ORIGIN, FIREFOX_EXTENSION_ID } from '../src/core/platform.ts';
import { FINESS, PSC_ACR } from '../src/core/psc.ts';

import type { ClientAuthMethod } from './identity/psc-client.ts';

export interface PlatformConfig {
  host: string;
  port: number;
  /**
   * Directory of the SQLite database (`:memory:` for tests that need no file), and of this
   * instance's own files (audit signing key, published checkpoints) when the database is PostgreSQL.
   */
  dataDir: string;
  /** PostgreSQL instead of SQLite (`DATABASE_URL`, docs/scale.md): several instances share it. */
  database: { url?: string; poolSize: number };
  /** Origins allowed to call the API from a browser; a trailing `*` matches a prefix. */
  allowedOrigins: string[];
  logLevel: string;
  identity: {
    /** Pro Santé Connect's issuer; unset with `--demo`: the development provider. */
    issuer?: string;
    /** The platform's client at PSC: its id and how it authenticates (docs/sign-in.md). */
    clientId: string;
    clientAuth: ClientAuthMethod;
    clientSecret?: string;
    /** `private_key_jwt`: the key registered at PSC (PKCS#8 PEM), its algorithm and key id. */
    clientKeyFile?: string;
    clientKeyAlg: string;
    clientKeyId?: string;
    /** Accepted `acr` values (Pro Santé Connect: `eidas1`). */
    acceptedAcr: string[];
    /** Port of the development provider when the platform starts it. */
    devProviderPort: number;
    /**
     * The platform's address as browsers and PSC reach it (behind the hospital's reverse proxy):
     * the callback registered at PSC is `<PUBLIC_URL>/auth/callback`. Unset: the request's own.
     */
    publicUrl?: string;
    /** The extensions' redirect URIs (`identity.getRedirectURL()`) the platform signs in for. */
    extensionRedirectUris: string[];
    /** Lifetime of the extension's access token (minutes) and of its session, however renewed (hours). */
    accessMinutes: number;
    sessionHours: number;
  };
  audit: {
    /** Ed25519 PKCS#8 PEM signing checkpoints; default `DATA_DIR/audit-signing-key.pem`, created once. */
    keyFile?: string;
    checkpointEvery: number;
    /** A checkpoint at least this often while entries are written (default 60 s). */
    checkpointSeconds: number;
    /**
     * Where signed checkpoints are published outside the database (JSON lines); default
     * `DATA_DIR/audit-checkpoints.jsonl`. In production: another volume, ideally write-once.
     */
    checkpointFile?: string;
    /** IDNPS of the people who may read the whole audit log (security officer, DPO). */
    readers: string[];
  };
  /**
   * The reverse proxies whose `X-Forwarded-For` is believed (comma-separated addresses or CIDRs):
   * the client address is what per-address throttling counts. None by default.
   */
  trustProxy: string[];
  /** Break-glass sessions last this many minutes (default 15), then end on their own. */
  breakGlassMinutes: number;
  /** FINESS of the emergency regulation structures (SAMU, centre 15) whose physicians may use `centre_15`. */
  regulationFiness: string[];
  /**
   * MSSanté (docs/mssante.md): the operator's SMTP gateway messages leave by, and the
   * establishment's mailbox they leave from. Required without `--demo`: patients are told of
   * break-glass accesses this way. The demo runs its own SMTP server on the loopback.
   */
  mail: {
    host?: string;
    port: number;
    /** `implicit` (SMTPS, 465), `starttls` (587, required); `none` only to a server on this machine. */
    tls: 'implicit' | 'starttls' | 'none';
    /** The establishment's client certificate and key (PEM), and the CA to trust, as the operator asks. */
    certFile?: string;
    keyFile?: string;
    caFile?: string;
    /** The platform's MSSanté address: the sender, where receipts come back. */
    sender?: string;
    /** A message still unread after this many hours is flagged (default 48): the printed code is the fallback. */
    unreadHours: number;
    /** That mailbox over IMAP, where delivery and read notifications come back. */
    imap?: { host: string; port: number; tls: 'implicit' | 'starttls' | 'none'; user: string; password: string };
    /** A folder where that mailbox's messages arrive (`.eml`: a Maildir's `new/`, the demo's); receipts are read there. */
    receiptsDir?: string;
  };
  /** Imaging share codes (issue 7; defaults documented in the README). */
  shareCodes: {
    /** IDNPS of the imaging secretariat staff allowed to issue, revoke and send codes. */
    issuers: string[];
    keyFile?: string;
    /** Validity of a new code, in days (default 30). */
    days: number;
    /** Professionals whose wrong attempts lock a code (default 3): one alone never locks it. */
    lockProfessionals: number;
    /** Wrong codes allowed per professional (default 10) and per address (default 30) per window. */
    perProfessional: number;
    perAddress: number;
    windowMinutes: number;
    /** Demo only: where `$send` writes MSSanté-style messages (`.eml`) for the demo webmail. */
    mailboxDir?: string;
  };
}

const list = (value: string) =>
  value
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);

/** An integer setting within [min, max], or a clear start-up error naming the variable. */
function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}
const portOf = (name: string, value: string) => integer(name, value, 0, 65535);

function databaseUrlOf(value: string): string {
  if (!/^postgres(?:ql)?:\/\/[^/]/.test(value)) {
    throw new Error('DATABASE_URL must be a PostgreSQL address: postgres://user@host:5432/database');
  }
  return value;
}

const CLIENT_AUTH: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
function clientAuthOf(value: string): ClientAuthMethod {
  const method = CLIENT_AUTH.find((m) => m === value);
  if (!method) throw new Error(`OIDC_CLIENT_AUTH must be one of ${CLIENT_AUTH.join(', ')}, got "${value}"`);
  return method;
}

const TLS_MODES = ['implicit', 'starttls', 'none'] as const;
function tlsOf(value: string, name = 'MSSANTE_SMTP_TLS'): PlatformConfig['mail']['tls'] {
  const mode = TLS_MODES.find((m) => m === value);
  if (!mode) throw new Error(`${name} must be one of ${TLS_MODES.join(', ')}, got "${value}"`);
  return mode;
}

/**
 * A start-up error naming the variable when MSSanté sending cannot work as configured: a gateway
 * and a sender are needed, TLS outside this machine, a client key with its certificate.
 */
export function checkMail(mail: PlatformConfig['mail']): void {
  if (!mail.host) {
    throw new Error(
      'MSSANTE_SMTP_HOST is required: patients are told of break-glass accesses by MSSanté (docs/mssante.md)',
    );
  }
  if (!mail.sender || !/^[^\s@]+@[^\s@]+$/.test(mail.sender)) {
    throw new Error("MSSANTE_SENDER must be the platform's MSSanté address (name@structure.mssante.fr)");
  }
  if (mail.tls === 'none' && !['127.0.0.1', 'localhost', '::1'].includes(mail.host)) {
    throw new Error('MSSANTE_SMTP_TLS=none is allowed only for a gateway on this machine: use implicit or starttls');
  }
  if (mail.imap) {
    if (!mail.imap.user || !mail.imap.password) {
      throw new Error('MSSANTE_IMAP_USER and MSSANTE_IMAP_PASSWORD (or _FILE) are needed to read receipts over IMAP');
    }
    if (mail.imap.tls === 'none' && !['127.0.0.1', 'localhost', '::1'].includes(mail.imap.host)) {
      throw new Error('MSSANTE_IMAP_TLS=none is allowed only for a mailbox on this machine: use implicit or starttls');
    }
  }
  if (Boolean(mail.certFile) !== Boolean(mail.keyFile)) {
    throw new Error(
      "MSSANTE_SMTP_CERT_FILE and MSSANTE_SMTP_KEY_FILE go together (the establishment's certificate and its key)",
    );
  }
}

/** A list of FINESS numbers, each checked (9 characters, the department first). */
function finessList(value: string): string[] {
  const numbers = list(value);
  const wrong = numbers.find((n) => !FINESS.test(n));
  if (wrong) throw new Error(`REGULATION_FINESS must list FINESS numbers (9 characters), got "${wrong}"`);
  return numbers;
}

/** An origin (with a path prefix if the proxy adds one), without a trailing slash. */
function publicUrlOf(value: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new Error(`PUBLIC_URL must be an http(s) address, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

/** `identity.getRedirectURL()` of the extension: Chrome's from its id, Firefox's from SHA-1 of its id. */
export function extensionRedirectUris(): string[] {
  const firefoxHash = createHash('sha1').update(FIREFOX_EXTENSION_ID).digest('hex');
  return [`https://${CHROME_EXTENSION_ID}.chromiumapp.org/`, `https://${firefoxHash}.extensions.allizom.org/`];
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const port = portOf('PORT', env.PORT ?? '8787');
  return {
    // Loopback unless told otherwise: a hospital puts its own reverse proxy (TLS) in front.
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir: env.DATA_DIR === ':memory:' ? ':memory:' : resolve(env.DATA_DIR ?? '.data'),
    database: {
      ...(env.DATABASE_URL ? { url: databaseUrlOf(env.DATABASE_URL) } : {}),
      poolSize: integer('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE ?? '10', 1, 500),
    },
    allowedOrigins: list(env.ALLOWED_ORIGINS ?? CHROME_EXTENSION_ORIGIN),
    logLevel: env.LOG_LEVEL ?? 'info',
    identity: {
      ...(env.OIDC_ISSUER ? { issuer: env.OIDC_ISSUER } : {}),
      clientId: env.OIDC_CLIENT_ID ?? 'passerelle-platform',
      clientAuth: clientAuthOf(env.OIDC_CLIENT_AUTH ?? 'client_secret_basic'),
      ...(env.OIDC_CLIENT_SECRET ? { clientSecret: env.OIDC_CLIENT_SECRET } : {}),
      ...(env.OIDC_CLIENT_KEY_FILE ? { clientKeyFile: resolve(env.OIDC_CLIENT_KEY_FILE) } : {}),
      clientKeyAlg: env.OIDC_CLIENT_KEY_ALG ?? 'ES256',
      ...(env.OIDC_CLIENT_KEY_ID ? { clientKeyId: env.OIDC_CLIENT_KEY_ID } : {}),
      acceptedAcr: list(env.OIDC_ACR_VALUES ?? PSC_ACR),
      devProviderPort: portOf('DEV_IDP_PORT', env.DEV_IDP_PORT ?? '8789'),
      ...(env.PUBLIC_URL ? { publicUrl: publicUrlOf(env.PUBLIC_URL) } : {}),
      extensionRedirectUris: env.EXTENSION_REDIRECT_URIS ? list(env.EXTENSION_REDIRECT_URIS) : extensionRedirectUris(),
      accessMinutes: integer('SESSION_ACCESS_MINUTES', env.SESSION_ACCESS_MINUTES ?? '5', 1, 60),
      sessionHours: integer('SESSION_HOURS', env.SESSION_HOURS ?? '10', 1, 24),
    },
    audit: {
      ...(env.AUDIT_SIGNING_KEY_FILE ? { keyFile: resolve(env.AUDIT_SIGNING_KEY_FILE) } : {}),
      checkpointEvery: integer('AUDIT_CHECKPOINT_EVERY', env.AUDIT_CHECKPOINT_EVERY ?? '100', 1, 1_000_000),
      checkpointSeconds: integer('AUDIT_CHECKPOINT_SECONDS', env.AUDIT_CHECKPOINT_SECONDS ?? '60', 1, 3600),
      ...(env.AUDIT_CHECKPOINT_FILE ? { checkpointFile: resolve(env.AUDIT_CHECKPOINT_FILE) } : {}),
      readers: list(env.AUDIT_READERS ?? ''),
    },
    trustProxy: list(env.TRUST_PROXY ?? ''),
    breakGlassMinutes: integer('BREAK_GLASS_MINUTES', env.BREAK_GLASS_MINUTES ?? '15', 1, 240),
    regulationFiness: finessList(env.REGULATION_FINESS ?? ''),
    mail: {
      ...(env.MSSANTE_SMTP_HOST ? { host: env.MSSANTE_SMTP_HOST } : {}),
      tls: tlsOf(env.MSSANTE_SMTP_TLS ?? 'implicit'),
      port: portOf('MSSANTE_SMTP_PORT', env.MSSANTE_SMTP_PORT ?? (env.MSSANTE_SMTP_TLS === 'starttls' ? '587' : '465')),
      ...(env.MSSANTE_SMTP_CERT_FILE ? { certFile: resolve(env.MSSANTE_SMTP_CERT_FILE) } : {}),
      ...(env.MSSANTE_SMTP_KEY_FILE ? { keyFile: resolve(env.MSSANTE_SMTP_KEY_FILE) } : {}),
      ...(env.MSSANTE_SMTP_CA_FILE ? { caFile: resolve(env.MSSANTE_SMTP_CA_FILE) } : {}),
      ...(env.MSSANTE_SENDER ? { sender: env.MSSANTE_SENDER } : {}),
      unreadHours: integer('MSSANTE_UNREAD_HOURS', env.MSSANTE_UNREAD_HOURS ?? '48', 1, 24 * 30),
      ...(env.MSSANTE_IMAP_HOST
        ? {
            imap: {
              host: env.MSSANTE_IMAP_HOST,
              tls: tlsOf(env.MSSANTE_IMAP_TLS ?? 'implicit', 'MSSANTE_IMAP_TLS'),
              port: portOf(
                'MSSANTE_IMAP_PORT',
                env.MSSANTE_IMAP_PORT ?? (env.MSSANTE_IMAP_TLS === 'starttls' ? '143' : '993'),
              ),
              user: env.MSSANTE_IMAP_USER ?? env.MSSANTE_SENDER ?? '',
              password: env.MSSANTE_IMAP_PASSWORD_FILE
                ? readFileSync(env.MSSANTE_IMAP_PASSWORD_FILE, 'utf8').trim()
                : (env.MSSANTE_IMAP_PASSWORD ?? ''),
            },
          }
        : {}),
      ...(env.MSSANTE_RECEIPTS_DIR ? { receiptsDir: resolve(env.MSSANTE_RECEIPTS_DIR) } : {}),
    },
    shareCodes: {
      issuers: list(env.SHARE_CODE_ISSUERS ?? ''),
      ...(env.SHARE_CODE_KEY_FILE ? { keyFile: resolve(env.SHARE_CODE_KEY_FILE) } : {}),
      days: integer('SHARE_CODE_DAYS', env.SHARE_CODE_DAYS ?? '30', 1, 365),
      lockProfessionals: integer('SHARE_CODE_LOCK_PROFESSIONALS', env.SHARE_CODE_LOCK_PROFESSIONALS ?? '3', 2, 100),
      perProfessional: integer('SHARE_CODE_PER_PROFESSIONAL', env.SHARE_CODE_PER_PROFESSIONAL ?? '10', 1, 10_000),
      perAddress: integer('SHARE_CODE_PER_ADDRESS', env.SHARE_CODE_PER_ADDRESS ?? '30', 1, 100_000),
      windowMinutes: integer('SHARE_CODE_WINDOW_MINUTES', env.SHARE_CODE_WINDOW_MINUTES ?? '15', 1, 24 * 60),
      ...(env.MAILBOX_DIR ? { mailboxDir: resolve(env.MAILBOX_DIR) } : {}),
    },
  };
}

export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => (a.endsWith('*') ? origin.startsWith(a.slice(0, -1)) : origin === a));
}
