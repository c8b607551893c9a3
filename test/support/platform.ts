/**
 * An in-process platform for tests: in-memory SQLite (empty: the test builds what it needs with
 * `test/support/builders.ts`, or passes `seed`), its audit log, logs captured as JSON lines, and a
 * test token issuer (`issuer.bearer()` gives a valid Authorization header). `demo: true` adds the
 * demo's routes (patient page) and its mail to patients, not its data.
 */
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { openAuditLog, type AuditLog } from '../../server/audit/log.ts';
import { loadSigner } from '../../server/audit/signer.ts';
import { configFromEnv, type PlatformConfig } from '../../server/config.ts';
import type { App, Deps } from '../../server/deps.ts';
import { demoRoutes, demoTellPatient } from '../../server/demo/index.ts';
import { platformDeps } from '../../server/platform.ts';
import { loadCodeKey } from '../../server/share/code-key.ts';
import { openDatabase, type Db } from '../../server/storage/database.ts';
import { logCollector } from './logs.ts';
import { testIssuer, type TestIssuer } from './tokens.ts';

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
  options: { now?: () => Date; demo?: boolean; seed?: (db: Db) => Promise<void> } = {},
): Promise<TestPlatform> {
  const config = { ...configFromEnv({ DATA_DIR: ':memory:', LOG_LEVEL: 'debug' }), ...overrides };
  const { logs, stream } = logCollector();
  const db = await openDatabase(config.dataDir);
  await options.seed?.(db);
  const issuer = await testIssuer();
  // The audit log keeps the test's clock too: entries are dated by it.
  const audit = await openAuditLog(db, await loadSigner({}), {
    checkpointEvery: config.audit.checkpointEvery,
    ...(options.now ? { now: options.now } : {}),
  });
  const tellPatient = options.demo ? demoTellPatient(db, config) : undefined;
  const deps = platformDeps({
    db,
    audit,
    config,
    codeHasher: loadCodeKey({}),
    ...(options.now ? { now: options.now } : {}),
    ...(tellPatient ? { tellPatient } : {}),
  });
  const app = buildApp(deps, {
    logger: pino({ level: 'debug' }, stream) as FastifyBaseLogger,
    verify: issuer.verify,
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
      await db.destroy();
    },
  };
}
