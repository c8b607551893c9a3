/**
 * `npm run platform [-- --demo]`: the platform alone, as a hospital runs it.
 * PORT (8787), HOST (127.0.0.1), DATA_DIR (.data), ALLOWED_ORIGINS, LOG_LEVEL.
 */
import { parseArgs } from 'node:util';
import { configFromEnv } from './config.ts';
import { AuditIntegrityError } from './audit/start-check.ts';
import { startPlatform } from './platform.ts';

const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false } } });
const platform = await startPlatform(configFromEnv(), { demo: values.demo }).catch((error: unknown) => {
  // A log that does not extend its published checkpoints, or a setting that is wrong: said plainly.
  console.error(error instanceof AuditIntegrityError || error instanceof Error ? error.message : error);
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    // Finish requests in flight, close the database cleanly, then leave.
    platform.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
