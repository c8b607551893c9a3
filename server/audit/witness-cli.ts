/**
 * `npm run audit:witness -- --url URL --dir DIR [--trusted-keys FILE]`
 *
 * Fetches the platform's newest signed audit checkpoint and keeps it in DIR (`witness.ts`). Run it
 * from another machine or account than the platform's, every minute or so (cron, systemd timer).
 * Exit code 0 kept or unchanged, 1 alarm (rollback, fork, bad signature), 2 could not check.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { witnessOnce } from './witness.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.PLATFORM_URL ?? 'http://127.0.0.1:8787' },
    dir: { type: 'string', default: process.env.WITNESS_DIR ?? '.data/witness' },
    'trusted-keys': { type: 'string' },
  },
});

let trustedKeys: JWK[] | undefined;
if (values['trusted-keys']) {
  trustedKeys = (JSON.parse(readFileSync(values['trusted-keys'], 'utf8')) as { keys: JWK[] }).keys;
}
const result = await witnessOnce({
  url: values.url,
  dir: resolve(values.dir),
  ...(trustedKeys ? { trustedKeys } : {}),
});
const mark = result.status === 'alarm' ? '✗ ALERTE' : result.status === 'unreachable' ? '?' : '✓';
console.log(`${mark} ${result.message}`);
process.exit(result.status === 'alarm' ? 1 : result.status === 'unreachable' ? 2 : 0);
