/** Starts and stops the whole platform: database, migrations, optional demo data, HTTP server. */
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.ts';
import type { PlatformConfig } from './config.ts';
import { seedDemo } from './demo/patients.ts';
import { openDatabase } from './storage/database.ts';

export interface RunningPlatform {
  url: string;
  close(): Promise<void>;
}

export async function startPlatform(
  config: PlatformConfig,
  options: { demo?: boolean; logStream?: NodeJS.WritableStream } = {},
): Promise<RunningPlatform> {
  const logger = pino(
    { level: config.logLevel, base: { service: 'passerelle-platform' } },
    options.logStream ?? process.stdout,
  );
  const db = await openDatabase(config.dataDir);
  if (options.demo) await seedDemo(db);
  const app = buildApp({ db, config, logger: logger as FastifyBaseLogger });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, demo: Boolean(options.demo) }, 'platform listening');
  return {
    url,
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}
