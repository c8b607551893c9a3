/**
 * Starts and stops the whole platform: database, migrations, optional demo data, the identity
 * check (and, for the demo, the development OpenID provider), HTTP server.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { openAuditLog, type AuditLog } from './audit/log.ts';
import { checkpointFile, memoryCheckpoints } from './audit/published.ts';
import { loadSigner } from './audit/signer.ts';
import { checkMail, type PlatformConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { pscClient, type PscClient } from './identity/psc-client.ts';
import { platformSessions } from './identity/sessions.ts';
import { imapSource } from './mail/imap.ts';
import { folderSource } from './mail/intake.ts';
import { mailWorker } from './mail/outbox.ts';
import { mailTransport } from './mail/transport.ts';
import { breakGlass } from './record/break-glass.ts';
import { loadCodeKey, type CodeHasher } from './share/code-key.ts';
import { openDatabase, type Db } from './storage/database.ts';
import { forgetOldAnswers } from './storage/idempotency.ts';
import { forgetStaleProofs, takeLease } from './storage/shared-state.ts';

/** How often the MSSanté outbox is looked at, even if nobody wrote to it. */
const MAIL_MS = 5_000;
/** How often expired break-glass sessions are ended with their entry, even if nobody asks. */
const SWEEP_MS = 30_000;

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
  // The demo module is loaded with --demo only: production never carries its code.
  const demo = options.demo ? await import('./demo/index.ts') : undefined;
  const config = demo ? demo.demoConfig(given) : given;
  const logger = pino(
    { level: config.logLevel, base: { service: 'passerelle-platform' } },
    options.logStream ?? process.stdout,
  ) as FastifyBaseLogger;
  if (!config.identity.issuer && !demo) {
    throw new Error('OIDC_ISSUER is required (or run with --demo for the development provider)');
  }
  if (!demo) checkMail(config.mail);
  // The demo starts the development provider (unless told another issuer) and is its client.
  const devIdentity = config.identity.issuer ? undefined : await demo!.demoIdentity(config);
  const identity = devIdentity ? { ...config.identity, ...devIdentity.client } : config.identity;
  const issuer = identity.issuer!;
  // The demo's MSSanté gateway (unless told a real one) delivers into the demo webmail's mailbox.
  const demoSmtp = demo && !config.mail.host ? await demo.demoSmtp(config) : undefined;
  const mail = demoSmtp ? { ...config.mail, ...demoSmtp.mail } : config.mail;
  const running = { ...config, identity, mail };

  // Instances sharing PostgreSQL must hash share codes with one key: a code issued through one is redeemed through another.
  if (config.database.url && !config.shareCodes.keyFile && !demo) {
    throw new Error('SHARE_CODE_KEY_FILE is required with DATABASE_URL: every instance must use the same key');
  }
  // This instance's own files (signing key, published checkpoints) stay in DATA_DIR, whatever the database.
  if (config.dataDir !== ':memory:') mkdirSync(config.dataDir, { recursive: true });
  const db = await openDatabase(config.database.url ?? config.dataDir, {
    poolSize: config.database.poolSize,
    onCheckpointError: (error) => logger.error({ err: String(error) }, 'SQLite checkpoint failed'),
  });
  if (demo) await demo.seedDemo(db);
  const audit = await openAuditLog(db, await auditSigner(config), {
    checkpointEvery: config.audit.checkpointEvery,
    checkpointIntervalMs: config.audit.checkpointSeconds * 1000,
    onCheckpointError: (error) => logger.error({ err: String(error) }, 'audit checkpoint failed'),
    onNotice: (message) => logger.warn(message),
    published: publishedCheckpoints(config),
  }).catch(async (error: unknown) => {
    await db.destroy();
    await devIdentity?.provider.close();
    await demoSmtp?.close();
    throw error;
  });
  const codeHasher =
    config.shareCodes.keyFile || config.dataDir === ':memory:'
      ? loadCodeKey({ keyFile: config.shareCodes.keyFile })
      : loadCodeKey({ keyFile: join(config.dataDir, 'share-code.key'), create: true });
  // Receipts come back to the platform's mailbox: over IMAP, or in a folder (the demo's).
  const receipts = mail.imap ? imapSource(mail.imap) : mail.receiptsDir ? folderSource(mail.receiptsDir) : undefined;
  // MSSanté messages leave through the outbox's worker: now and then, and as soon as one is written.
  const worker = mailWorker({
    db,
    transport: mailTransport(mail),
    sender: mail.sender!,
    now: () => new Date(),
    ...(receipts ? { receipts } : {}),
  });
  const mailError = (error: unknown) => logger.error({ err: String(error) }, 'MSSanté delivery failed');
  const deps = platformDeps({
    db,
    audit,
    config: running,
    codeHasher,
    mail: { sender: mail.sender!, wake: () => void worker.deliver().catch(mailError) },
  });
  const app = buildApp(deps, { logger, ...(demo ? { extra: demo.demoRoutes } : {}) });
  const stopSweeper = housekeeping(deps, logger);
  const stopMail = worker.start(MAIL_MS, mailError);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, issuer, demo: Boolean(demo) }, 'platform listening');
  return {
    url,
    issuer,
    ...(config.shareCodes.mailboxDir ? { mailboxDir: config.shareCodes.mailboxDir } : {}),
    async close() {
      stopSweeper();
      stopMail();
      await receipts?.close?.();
      await app.close();
      await devIdentity?.provider.close();
      await demoSmtp?.close();
      await audit.close();
      await db.destroy();
    },
  };
}

/** The dependencies every route module is given (`deps.ts`), from what the platform opened. */
export function platformDeps(opened: {
  db: Db;
  audit: AuditLog;
  config: PlatformConfig;
  codeHasher: CodeHasher;
  now?: () => Date;
  /** The platform's MSSanté address, and how to tell the worker a message waits. */
  mail: Deps['mail'];
}): Deps {
  const { db, audit, config, codeHasher, now = () => new Date(), mail } = opened;
  const glass = breakGlass(db, audit, {
    minutes: config.breakGlassMinutes,
    regulation: config.regulationFiness,
    now,
    sender: mail.sender,
    wake: mail.wake,
  });
  // One PSC client per callback address (`PUBLIC_URL`, or the address the request came to).
  const clients = new Map<string, PscClient>();
  const psc = (redirectUri: string) => {
    const issuer = config.identity.issuer;
    if (!issuer) throw new Error('OIDC_ISSUER is not set');
    let client = clients.get(redirectUri);
    if (!client) clients.set(redirectUri, (client = pscClient({ ...config.identity, issuer, redirectUri })));
    return client;
  };
  const sessions = platformSessions({ db, audit, now, identity: config.identity, psc });
  return { db, audit, config, codeHasher, now, glass, sessions, mail };
}

/**
 * One round of housekeeping, by the instance `instance` if it holds the `housekeeping` lease (one
 * instance at a time, whatever their number): ends expired break-glass sessions with their entry,
 * forgets stale DPoP proofs and the answers kept for idempotency keys older than a day.
 */
export async function housekeep({ db, glass, now }: Deps, instance: string): Promise<void> {
  const at = now();
  if (!(await takeLease(db, 'housekeeping', instance, at, new Date(at.getTime() + 2 * SWEEP_MS)))) return;
  await glass.sweep();
  await forgetStaleProofs(db, at);
  await forgetOldAnswers(db, at);
}

/** Housekeeping every `SWEEP_MS` (`housekeep`). Returns how to stop. */
export function housekeeping(deps: Deps, logger: FastifyBaseLogger): () => void {
  const instance = randomUUID();
  const timer = setInterval(
    () =>
      void housekeep(deps, instance).catch((error: unknown) =>
        logger.error({ err: String(error) }, 'housekeeping failed'),
      ),
    SWEEP_MS,
  );
  timer.unref();
  return () => clearInterval(timer);
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
