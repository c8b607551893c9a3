/**
 * `npm run bench` (second part): the audit write path against a raw durable insert on the same
 * database (SQLite WAL, each answered once its log is synced), both one committed row per action, awaited in turn as
 * the platform does. Rounds alternate to share the machine's noise. Not a test: prints numbers.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { openAuditLog } from '../server/audit/log.ts';
import { loadSigner } from '../server/audit/signer.ts';
import { professionalFromClaims } from '../src/core/psc.ts';
import { DEV_PROFESSIONALS, pscClaimsOf } from '../server/identity/dev-professionals.ts';
import { openDatabase } from '../server/storage/database.ts';

const ROUNDS = 5;
const PER_ROUND = Number(process.env.BENCH_AUDIT_WRITES ?? 400);

// On the project's disk, as a real DATA_DIR: /tmp may be memory-backed and hide fsync costs.
// On the project's disk (not a tmpfs), created on a fresh clone too.
mkdirSync(resolve('.data'), { recursive: true });
const dir = mkdtempSync(join(resolve('.data'), 'bench-audit-'));
const db = await openDatabase(dir);
const audit = await openAuditLog(db, await loadSigner({}), { checkpointEvery: 100 });
await sql`CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)`.execute(db);
const mapped = professionalFromClaims(pscClaimsOf(DEV_PROFESSIONALS[0]!));
if (!mapped.ok) throw new Error('claims');
const actor = mapped.professional;

// A raw row as large as an audit entry, so both write the same bytes.
await audit.record({ kind: 'patient-search', actor, patientId: 'demo-lefevre', query: 'identifier=255081416802538' });
const sample = await db.selectFrom('audit_event').select('resource').executeTakeFirstOrThrow();
const payload = 'x'.repeat(sample.resource.length + 200);

const timeIt = async (n: number, write: (i: number) => Promise<unknown>) => {
  const start = performance.now();
  for (let i = 0; i < n; i++) await write(i);
  return performance.now() - start;
};

let rawMs = 0;
let auditMs = 0;
for (let round = 0; round < ROUNDS; round++) {
  rawMs += await timeIt(PER_ROUND, () => sql`INSERT INTO bench_raw (payload) VALUES (${payload})`.execute(db));
  auditMs += await timeIt(PER_ROUND, (i) =>
    audit.record({ kind: 'patient-search', actor, patientId: 'demo-lefevre', query: `identifier=${i}` }),
  );
}
await audit.close();
await db.destroy();
rmSync(dir, { recursive: true, force: true });

const n = ROUNDS * PER_ROUND;
const rate = (ms: number) => (n / ms) * 1000;
console.log(`
Audit write path — ${n} durable writes each, ${ROUNDS} alternating rounds
  raw durable insert      ${rate(rawMs).toFixed(0)} writes/s   (${(rawMs / n).toFixed(3)} ms each)
  audit record            ${rate(auditMs).toFixed(0)} writes/s   (${(auditMs / n).toFixed(3)} ms each)
  audit / raw throughput  ${(rate(auditMs) / rate(rawMs)).toFixed(2)}   (target ≥ 0.5)
`);
