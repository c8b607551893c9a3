/**
 * `npm run audit:verify [-- --data-dir DIR] [--database-url URL] [--from N] [--to N] [--trusted-keys FILE]
 *   [--checkpoints FILE] [--witness DIR] [--trusted-checkpoint FILE] [--checkpoint-seconds N]`
 *
 * Checks the audit log of a platform's `DATA_DIR`, or of its PostgreSQL database (`DATABASE_URL`),
 * read-only, and says whether the chain is intact
 * or precisely where it broke (docs/audit.md says what is detected under which trust):
 * - `--trusted-keys`: a JWKS saved from `/.well-known/audit-keys` and kept elsewhere; without it
 *   (and without `--witness`) the keys listed in the database itself are trusted, which proves less;
 * - `--checkpoints`: the platform's published checkpoints (default `AUDIT_CHECKPOINT_FILE`, or
 *   `DATA_DIR/audit-checkpoints.jsonl`); the log must contain and extend each one;
 * - `--witness DIR`: a witness's folder (`npm run audit:witness`): its pinned keys are trusted and
 *   its checkpoints must be contained and extended; `--trusted-checkpoint FILE`: one checkpoint
 *   (JSON) or a list (JSON lines) obtained from a witness in another way;
 * - entries left unsealed for longer than twice `--checkpoint-seconds` (default
 *   `AUDIT_CHECKPOINT_SECONDS`, 60) are a failure.
 * Exit code 0 intact, 1 broken, 2 could not check.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { describeLocation, openDatabaseReadOnly } from '../storage/database.ts';
import { checkpointFile, SignedCheckpoint } from './published.ts';
import { verifyAudit, type VerifyOptions } from './verify.ts';
import { pinnedKeys, witnessFiles } from './witness.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: process.env.DATA_DIR ?? '.data' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL },
    from: { type: 'string' },
    to: { type: 'string' },
    'trusted-keys': { type: 'string' },
    checkpoints: { type: 'string' },
    witness: { type: 'string' },
    'trusted-checkpoint': { type: 'string' },
    'checkpoint-seconds': { type: 'string', default: process.env.AUDIT_CHECKPOINT_SECONDS ?? '60' },
  },
});

const stop = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const int = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) stop(`--${name} doit être un entier ≥ 1.`);
  return n;
};

const dataDir = resolve(values['data-dir']);
let trustedKeys: JWK[] | undefined;
const external: NonNullable<VerifyOptions['external']> = [];
try {
  if (values['trusted-keys'])
    trustedKeys = (JSON.parse(readFileSync(values['trusted-keys'], 'utf8')) as { keys: JWK[] }).keys;
} catch {
  stop(`Clés de confiance illisibles : ${values['trusted-keys']} (attendu : un JWKS { "keys": [...] }).`);
}
try {
  const published = values.checkpoints ?? process.env.AUDIT_CHECKPOINT_FILE ?? join(dataDir, 'audit-checkpoints.jsonl');
  if (values.checkpoints && !existsSync(published)) stop(`Fichier de points de contrôle absent : ${published}.`);
  if (existsSync(published)) external.push({ where: published, checkpoints: checkpointFile(published).all() });
  if (values.witness) {
    const dir = resolve(values.witness);
    trustedKeys ??= pinnedKeys(dir) ?? stop(`Le témoin ${dir} n’a pas de clés (keys.json).`);
    external.push({ where: `le témoin ${dir}`, checkpoints: checkpointFile(witnessFiles(dir).checkpoints).all() });
  }
  if (values['trusted-checkpoint']) {
    const file = values['trusted-checkpoint'];
    const text = readFileSync(file, 'utf8').trim();
    const checkpoints =
      text.startsWith('{') && !text.includes('\n')
        ? [SignedCheckpoint.parse(JSON.parse(text))]
        : checkpointFile(file).all();
    external.push({ where: file, checkpoints });
  }
} catch (error) {
  stop(`Points de contrôle illisibles : ${error instanceof Error ? error.message : String(error)}`);
}

const where = values['database-url'] ?? dataDir;
let db;
try {
  db = openDatabaseReadOnly(where);
} catch {
  stop(`Aucune base de la plateforme dans ${dataDir}.`);
}

const seconds = int('checkpoint-seconds', values['checkpoint-seconds'])!;
const options: VerifyOptions = {
  ...(int('from', values.from) ? { from: int('from', values.from)! } : {}),
  ...(int('to', values.to) ? { to: int('to', values.to)! } : {}),
  ...(trustedKeys ? { trustedKeys } : {}),
  external,
  sealing: { now: new Date(), maxUnsealedMs: 2 * seconds * 1000 },
};
const report = await verifyAudit(db!, options).catch((error: unknown) =>
  stop(`Base illisible (${describeLocation(where)}) : ${error instanceof Error ? error.message : String(error)}`),
);
await db!.destroy();

console.log(`Journal d'audit : ${describeLocation(where)}`);
for (const e of external) console.log(`  Points de contrôle hors base : ${e.where} (${e.checkpoints.length})`);
if (report.ok) {
  const range =
    report.entries > 0 ? `entrées n° ${report.first} à ${report.last} (${report.entries})` : 'aucune entrée';
  console.log(`✓ Chaîne intacte : ${range}, ${report.checkpoints} point(s) de contrôle signé(s) vérifié(s).`);
  if (report.headHash) console.log(`  Tête de chaîne : ${report.headHash}`);
  const unsealed = (report.last ?? 0) - (report.lastCheckpoint ?? 0);
  if (unsealed > 0) console.log(`  ${unsealed} entrée(s) récente(s) pas encore scellée(s) (dans l’intervalle).`);
  if (!trustedKeys) {
    console.log('  Clés lues dans la base : pour une preuve indépendante, passez --witness DIR ou --trusted-keys.');
  }
} else {
  console.log(`✗ Chaîne rompue — ${report.problem!.message}`);
  if (report.last) console.log(`  Intactes jusqu'à l'entrée n° ${report.last}.`);
}
process.exit(report.ok ? 0 : 1);
