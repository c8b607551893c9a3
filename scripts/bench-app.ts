/**
 * The platform's app as the benchmarks load it: the real routes on the given database, its audit
 * log, bearer JWTs of the test issuer (`issuer.bearer()`), no logs, MSSanté messages left waiting.
 */
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { openAuditLog } from '../server/audit/log.ts';
import { loadSigner } from '../server/audit/signer.ts';
import type { PlatformConfig } from '../server/config.ts';
import { platformDeps } from '../server/platform.ts';
import { loadCodeKey } from '../server/share/code-key.ts';
import type { Db } from '../server/storage/database.ts';
import { testIssuer } from '../test/support/tokens.ts';

export async function benchApp(db: Db, config: PlatformConfig, options: { checkpointEvery: number }) {
  const issuer = await testIssuer();
  const audit = await openAuditLog(db, await loadSigner({}), { checkpointEvery: options.checkpointEvery });
  const mail = { sender: 'bench@passerelle-bench.mssante.fr', wake: () => {} };
  const app = buildApp(platformDeps({ audit, db, config, codeHasher: loadCodeKey({}), mail }), {
    logger: pino({ level: 'silent' }) as FastifyBaseLogger,
    verify: issuer.verify,
  });
  return { app, audit, issuer };
}
