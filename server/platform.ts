/**
 * Starts and stops the whole platform: database, migrations, optional demo data, the identity
 * check (and, for the demo, the development OpenID provider), HTTP server.
 */
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { openAuditLog } from './audit/log.ts';
import { checkpointFile, memoryCheckpoints } from './audit/published.ts';
import { loadSigner } from './audit/signer.ts';
import { loadCodeKey } from './share/code-key.ts';
import type { PlatformConfig } from './config.ts';
import { seedDemo } from './demo/patients.ts';
import { DEMO_PRIVACY_OFFICER, DEMO_SECRETARIAT } from './identity/dev-professionals.ts';
import { DEV_CLIENT_ID, startDevProvider, type DevProvider } from './identity/dev-provider.ts';
import { createVerifier, discoveredKeys } from './identity/verify-token.ts';
import { openDatabase } from './storage/database.ts';

export interface RunningPlatform {
  url: string;
  /** The OpenID provider whose tokens the platform accepts. */
  issuer: string;
  /** Demo: where share codes sent by MSSanté are written (the demo webmail reads them). */
  mailboxDir?: string;
  close(): Promise<void>;
}

export async function startPlatform(
  given: PlatformConfig,
  options: { demo?: boolean; logStream?: NodeJS.WritableStream } = {},
): Promise<RunningPlatform> {
  // The demo's imaging secretariat may issue codes, and "MSSanté" is a folder the demo webmail reads.
  const config: PlatformConfig =
    options.demo && given.dataDir !== ':memory:'
      ? {
          ...given,
          // The demo's privacy officer reviews break-glass accesses.
          audit: {
            ...given.audit,
            readers: given.audit.readers.length > 0 ? given.audit.readers : [DEMO_PRIVACY_OFFICER],
          },
          shareCodes: {
            ...given.shareCodes,
            issuers: given.shareCodes.issuers.length > 0 ? given.shareCodes.issuers : [DEMO_SECRETARIAT],
            mailboxDir: given.shareCodes.mailboxDir ?? join(given.dataDir, 'mailbox'),
          },
        }
      : given;
  const logger = pino(
    { level: config.logLevel, base: { service: 'passerelle-platform' } },
    options.logStream ?? process.stdout,
  );
  let devProvider: DevProvider | undefined;
  if (!config.identity.issuer) {
    if (!options.demo) throw new Error('OIDC_ISSUER is required (or run with --demo for the development provider)');
    devProvider = await startDevProvider({
      host: config.host,
      port: config.identity.devProviderPort,
      audience: config.identity.audience,
      allowedOrigins: config.allowedOrigins,
    });
  }
  const issuer = config.identity.issuer ?? devProvider!.issuer;
  // The development provider's tokens are issued to its own client; a real provider's, to those configured.
  const clientIds = devProvider && config.identity.clientIds.length === 0 ? [DEV_CLIENT_ID] : config.identity.clientIds;
  const verify = createVerifier({ ...config.identity, issuer, clientIds }, discoveredKeys(issuer));

  const db = await openDatabase(config.dataDir);
  if (options.demo) await seedDemo(db);
  const audit = await openAuditLog(db, await auditSigner(config), {
    checkpointEvery: config.audit.checkpointEvery,
    checkpointIntervalMs: config.audit.checkpointSeconds * 1000,
    onCheckpointError: (error) => logger.error({ err: String(error) }, 'audit checkpoint failed'),
    published: publishedCheckpoints(config),
  }).catch(async (error: unknown) => {
    await db.destroy();
    await devProvider?.close();
    throw error;
  });
  const codeHasher =
    config.shareCodes.keyFile || config.dataDir === ':memory:'
      ? loadCodeKey({ keyFile: config.shareCodes.keyFile })
      : loadCodeKey({ keyFile: join(config.dataDir, 'share-code.key'), create: true });
  const app = buildApp({
    db,
    config,
    logger: logger as FastifyBaseLogger,
    verify,
    audit,
    codeHasher,
    demo: Boolean(options.demo),
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, issuer, demo: Boolean(options.demo) }, 'platform listening');
  return {
    url,
    issuer,
    ...(config.shareCodes.mailboxDir ? { mailboxDir: config.shareCodes.mailboxDir } : {}),
    async close() {
      await app.close();
      await devProvider?.close();
      await audit.close();
      await db.destroy();
    },
  };
}

/** Where checkpoints are published outside the database (in memory for `:memory:` test platforms). */
export function publishedCheckpoints(config: PlatformConfig) {
  if (config.audit.checkpointFile) return checkpointFile(config.audit.checkpointFile);
  return config.dataDir === ':memory:'
    ? memoryCheckpoints()
    : checkpointFile(join(config.dataDir, 'audit-checkpoints.jsonl'));
}

/** The configured key, or one created once beside the database (an in-memory one for `:memory:`). */
function auditSigner(config: PlatformConfig) {
  if (config.audit.keyFile) return loadSigner({ keyFile: config.audit.keyFile });
  if (config.dataDir === ':memory:') return loadSigner({});
  return loadSigner({ keyFile: join(config.dataDir, 'audit-signing-key.pem'), create: true });
}
