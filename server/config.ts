import { resolve } from 'node:path';
import { CHROME_EXTENSION_ORIGIN } from '../src/core/platform.ts';

export interface PlatformConfig {
  host: string;
  port: number;
  /** Directory of the SQLite database; `:memory:` for tests that need no file. */
  dataDir: string;
  /** Origins allowed to call the API from a browser; a trailing `*` matches a prefix. */
  allowedOrigins: string[];
  logLevel: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return {
    // Loopback unless told otherwise: a hospital puts its own reverse proxy (TLS) in front.
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir: env.DATA_DIR === ':memory:' ? ':memory:' : resolve(env.DATA_DIR ?? '.data'),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? CHROME_EXTENSION_ORIGIN)
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => (a.endsWith('*') ? origin.startsWith(a.slice(0, -1)) : origin === a));
}
