/**
 * `npm run audit:verify [-- --data-dir DIR] [--from N] [--to N] [--trusted-keys FILE]`
 *
 * Checks the audit log of a platform's `DATA_DIR` (read-only) and says whether the chain is intact
 * or precisely where it broke. `--trusted-keys` takes a JWKS saved from the platform's
 * `/.well-known/audit-keys` (kept elsewhere): without it the keys listed in the database itself are
 * trusted, which proves less against whoever can write that database. Exit code 0 intact, 1 broken,
 * 2 could not check.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { databaseFile, openDatabaseReadOnly } from '../storage/database.ts';
import { verifyAudit } from './verify.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: process.env.DATA_DIR ?? '.data' },
    from: { type: 'string' },
    to: { type: 'string' },
    'trusted-keys': { type: 'string' },
  },
});

const int = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} doit être un numéro d'entrée (entier ≥ 1).`);
    process.exit(2);
  }
  return n;
};

const dataDir = resolve(values['data-dir']);
let trustedKeys: JWK[] | undefined;
try {
  if (values['trusted-keys'])
    trustedKeys = (JSON.parse(readFileSync(values['trusted-keys'], 'utf8')) as { keys: JWK[] }).keys;
} catch {
  console.error(`Clés de confiance illisibles : ${values['trusted-keys']} (attendu : un JWKS { "keys": [...] }).`);
  process.exit(2);
}

let db;
try {
  db = openDatabaseReadOnly(dataDir);
} catch {
  console.error(`Aucune base de la plateforme dans ${dataDir}.`);
  process.exit(2);
}

const options = { from: int('from', values.from), to: int('to', values.to), trustedKeys };
const report = await verifyAudit(db, Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
await db.destroy();

console.log(`Journal d'audit : ${databaseFile(dataDir)}`);
if (report.ok) {
  const range =
    report.entries > 0 ? `entrées n° ${report.first} à ${report.last} (${report.entries})` : 'aucune entrée';
  console.log(`✓ Chaîne intacte : ${range}, ${report.checkpoints} point(s) de contrôle signé(s) vérifié(s).`);
  if (report.headHash) console.log(`  Tête de chaîne : ${report.headHash}`);
  const unsealed = (report.last ?? 0) - (report.lastCheckpoint ?? 0);
  if (unsealed > 0) console.log(`  ${unsealed} entrée(s) après le dernier point de contrôle, pas encore scellée(s).`);
  if (!trustedKeys) {
    console.log('  Clés lues dans la base : pour une preuve indépendante, passez --trusted-keys (JWKS publié).');
  }
} else {
  console.log(`✗ Chaîne rompue — ${report.problem!.message}`);
  if (report.last) console.log(`  Intactes jusqu'à l'entrée n° ${report.last}.`);
}
process.exit(report.ok ? 0 : 1);
