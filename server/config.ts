import { resolve } from 'node:path';
import { CHROME_EXTENSION_ORIGIN } from '../src/core/platform.ts';
import { PSC_ACR } from '../src/core/psc.ts';

/** The platform's name as an audience of access tokens (an absolute URI, RFC 8707). */
export const DEFAULT_AUDIENCE = 'urn:passerelle:platform';

export interface PlatformConfig {
  host: string;
  port: number;
  /** Directory of the SQLite database; `:memory:` for tests that need no file. */
  dataDir: string;
  /** Origins allowed to call the API from a browser; a trailing `*` matches a prefix. */
  allowedOrigins: string[];
  logLevel: string;
  identity: {
    /** OpenID provider whose access tokens are accepted; unset with `--demo`: the development one. */
    issuer?: string;
    /** `aud` the access tokens must carry. */
    audience: string;
    /** Accepted `acr` values (Pro Santé Connect: `eidas1`). */
    acceptedAcr: string[];
    /** Port of the development provider when the platform starts it. */
    devProviderPort: number;
    /** OpenID clients whose access tokens are accepted (`client_id`/`azp`); the dev provider's with `--demo`. */
    clientIds: string[];
    /** The longest access-token lifetime accepted (`exp − iat`), in seconds. */
    maxLifetimeSeconds: number;
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

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const port = portOf('PORT', env.PORT ?? '8787');
  return {
    // Loopback unless told otherwise: a hospital puts its own reverse proxy (TLS) in front.
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir: env.DATA_DIR === ':memory:' ? ':memory:' : resolve(env.DATA_DIR ?? '.data'),
    allowedOrigins: list(env.ALLOWED_ORIGINS ?? CHROME_EXTENSION_ORIGIN),
    logLevel: env.LOG_LEVEL ?? 'info',
    identity: {
      ...(env.OIDC_ISSUER ? { issuer: env.OIDC_ISSUER } : {}),
      audience: env.OIDC_AUDIENCE ?? DEFAULT_AUDIENCE,
      acceptedAcr: list(env.OIDC_ACR_VALUES ?? PSC_ACR),
      devProviderPort: portOf('DEV_IDP_PORT', env.DEV_IDP_PORT ?? '8789'),
      clientIds: list(env.OIDC_CLIENT_IDS ?? ''),
      maxLifetimeSeconds: integer('OIDC_MAX_TOKEN_SECONDS', env.OIDC_MAX_TOKEN_SECONDS ?? '3600', 60, 86_400),
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
