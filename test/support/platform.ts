/**
 * An in-process platform for tests: in-memory SQLite, or a new PostgreSQL database in the
 * `postgres` project (`database.ts`) (empty: the test builds what it needs with
 * `test/support/builders.ts`, or passes `seed`), its audit log, logs captured as JSON lines, and a
 * test token issuer (`issuer.bearer()` gives a valid Authorization header). `demo: true` adds the
 * demo's routes (patient page), not its data.
 */
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { openAuditLog, type AuditLog } from '../../server/audit/log.ts';
import { loadSigner } from '../../server/audit/signer.ts';
import { configFromEnv, type PlatformConfig } from '../../server/config.ts';
import type { App, Deps } from '../../server/deps.ts';
import type { AddressInfo } from 'node:net';
import { demoRoutes, devClient } from '../../server/demo/index.ts';
import { startDevProvider, type DevProvider, type DevProviderOptions } from '../../server/identity/dev-provider.ts';
import { platformDeps } from '../../server/platform.ts';
import { loadCodeKey } from '../../server/share/code-key.ts';
import { openDatabase, type Db } from '../../server/storage/database.ts';
import { testDatabase } from './database.ts';
import { logCollector } from './logs.ts';
import { testIssuer, type TestIssuer } from './tokens.ts';

/** The test platform's MSSanté address. */
export const TEST_SENDER = 'ne-pas-repondre@passerelle-test.mssante.fr';

export interface TestPlatform {
  app: App;
  db: Db;
  /** What the routes were given: the break-glass sessions (`deps.glass.sweep()`), the clock… */
  deps: Deps;
  logs: string[];
  issuer: TestIssuer;
  audit: AuditLog;
  close(): Promise<void>;
}

export async function testPlatform(
  overrides: Partial<PlatformConfig> = {},
  options: {
    now?: () => Date;
    demo?: boolean;
    seed?: (db: Db) => Promise<void>;
    /** Real platform sessions (sign-in through PSC) instead of the test issuer's tokens. */
    sessions?: boolean;
    /** Another instance of a platform: its database, shared (left open at close). */
    db?: Db;
  } = {},
): Promise<TestPlatform> {
  const config = { ...configFromEnv({ DATA_DIR: ':memory:', LOG_LEVEL: 'debug' }), ...overrides };
  const { logs, stream } = logCollector();
  const db = options.db ?? (config.dataDir === ':memory:' ? await testDatabase() : await openDatabase(config.dataDir));
  await options.seed?.(db);
  const issuer = await testIssuer();
  // The audit log keeps the test's clock too: entries are dated by it.
  const audit = await openAuditLog(db, await loadSigner({}), {
    checkpointEvery: config.audit.checkpointEvery,
    ...(options.now ? { now: options.now } : {}),
  });
  const deps = platformDeps({
    db,
    audit,
    config,
    codeHasher: loadCodeKey({}),
    ...(options.now ? { now: options.now } : {}),
    // Messages wait in the outbox; a test that follows them delivers them (`test/support/mail.ts`).
    mail: { sender: TEST_SENDER, wake: () => {} },
  });
  const app = buildApp(deps, {
    logger: pino({ level: 'debug' }, stream) as FastifyBaseLogger,
    ...(options.sessions ? {} : { verify: issuer.verify }),
    ...(options.demo ? { extra: demoRoutes } : {}),
  });
  await app.ready();
  return {
    app,
    db,
    deps,
    logs,
    issuer,
    audit,
    async close() {
      await app.close();
      await audit.close();
      if (!options.db) await db.destroy();
    },
  };
}

export interface SignInPlatform extends TestPlatform {
  /** Where the platform listens (sign-in needs real HTTP: PSC's page redirects to it). */
  url: string;
  provider: DevProvider;
}

/**
 * A test platform with real sign-in: the development provider plays Pro Santé Connect (the
 * platform its confidential client), and the platform listens on the loopback.
 */
export async function signInPlatform(
  options: {
    acr?: string;
    identity?: Partial<PlatformConfig['identity']>;
    now?: () => Date;
    provider?: Partial<DevProviderOptions>;
  } = {},
): Promise<SignInPlatform> {
  const provider = await startDevProvider({
    host: '127.0.0.1',
    port: 0,
    ...(options.acr ? { acr: options.acr } : {}),
    ...options.provider,
  });
  const defaults = configFromEnv({});
  const platform = await testPlatform(
    { identity: { ...defaults.identity, ...devClient(provider.issuer), ...options.identity } },
    { sessions: true, ...(options.now ? { now: options.now } : {}) },
  );
  await platform.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = platform.app.server.address() as AddressInfo;
  return {
    ...platform,
    url: `http://127.0.0.1:${port}`,
    provider,
    async close() {
      await platform.close();
      await provider.close();
    },
  };
}
