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
  };
  audit: {
    /** Ed25519 PKCS#8 PEM signing checkpoints; default `DATA_DIR/audit-signing-key.pem`, created once. */
    keyFile?: string;
    checkpointEvery: number;
    /** IDNPS of the people who may read the whole audit log (security officer, DPO). */
    readers: string[];
  };
}

const list = (value: string) =>
  value
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function portOf(name: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number, got "${value}"`);
  return port;
}

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
    },
    audit: {
      ...(env.AUDIT_SIGNING_KEY_FILE ? { keyFile: resolve(env.AUDIT_SIGNING_KEY_FILE) } : {}),
      checkpointEvery: positive('AUDIT_CHECKPOINT_EVERY', env.AUDIT_CHECKPOINT_EVERY ?? '100'),
      readers: list(env.AUDIT_READERS ?? ''),
    },
  };
}

export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => (a.endsWith('*') ? origin.startsWith(a.slice(0, -1)) : origin === a));
}
