/**
 * The platform `scripts/bench-routes.ts` loads (a process of its own, so that the load generator
 * does not share its event loop): the real app on the database `BENCH_DB` (a folder: SQLite; an
 * address: PostgreSQL), filled up to `BENCH_PATIENTS` patients and ten audit entries per patient,
 * with the fixtures each hot route needs, and two bare routes beside them. Prints one JSON line
 * (its address, the bearer tokens, the share code) once it listens. Not a test.
 *
 * Tokens are the test issuer's bearer JWTs (`test/support/tokens.ts`): the DPoP session's own
 * cost is measured apart (`scripts/bench-session.ts`).
 */
import { randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { sql } from 'kysely';
import { GENESIS } from '../server/audit/chain.ts';
import { configFromEnv } from '../server/config.ts';
import { benchApp } from './bench-app.ts';
import { DEMO_SECRETARIAT, DEV_PROFESSIONALS, pscClaimsOf } from '../server/identity/dev-professionals.ts';
import { databaseFile, openDatabase, type Db } from '../server/storage/database.ts';
import { isPostgres } from '../server/storage/dialect.ts';
import { givenExam, givenRecord } from '../test/support/builders.ts';

const where = process.env.BENCH_DB!;
const patients = Number(process.env.BENCH_PATIENTS ?? 1000);
/** Audit entries per patient already there (the log of a platform in service). */
const ENTRIES_PER_PATIENT = 10;
/** Patients with a record the physicians of the circle read (summary, document). */
export const MEMBERS_OF = 100;
/** Distinct physicians the load rotates through (declarations, redeems, break-glass). */
export const PHYSICIANS = 200;

const physician = DEV_PROFESSIONALS.find((p) => p.accountId.endsWith(':physician'))!;
const secretary = DEV_PROFESSIONALS.find((p) => p.idNps === DEMO_SECRETARIAT)!;

/** Patients `bench-0` … up to `n`, demo INS with valid keys, added by SQL from where the table stops. */
async function fillPatients(db: Db, n: number) {
  const have = Number(
    (
      await db
        .selectFrom('patient')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  for (let from = have; from < n; from += 100_000) {
    const to = Math.min(n, from + 100_000) - 1;
    // INS key: 97 − (the 13 digits mod 97); the 13 digits: 2800175000000 + g.
    if (isPostgres(db)) {
      await sql`INSERT INTO patient (id, ins, ins_system, identity_status, birth_name, given_names, birth_date, sex)
        SELECT 'bench-' || g, (2800175000000 + g)::text || lpad((97 - (2800175000000 + g) % 97)::text, 2, '0'),
          'urn:oid:1.2.250.1.213.1.4.11', 'QUAL', 'BANC' || g, 'ESSAI', '1980-01-01', 'female'
        FROM generate_series(${from}::bigint, ${to}::bigint) g`.execute(db);
    } else {
      await sql`WITH RECURSIVE s(g) AS (SELECT CAST(${from} AS INTEGER) UNION ALL SELECT g + 1 FROM s WHERE g < ${to})
        INSERT INTO patient (id, ins, ins_system, identity_status, birth_name, given_names, birth_date, sex)
        SELECT 'bench-' || g, printf('%d%02d', 2800175000000 + g, 97 - (2800175000000 + g) % 97),
          'urn:oid:1.2.250.1.213.1.4.11', 'QUAL', 'BANC' || g, 'ESSAI', '1980-01-01', 'female' FROM s`.execute(db);
    }
  }
}

/**
 * Audit entries up to `n`: stand-ins for the size of a log in service (their hashes are not a
 * verifiable chain — only their number and indexes count here — but each links to the one before,
 * as the database checks; the platform's own entries follow them, chained to the last).
 */
async function fillAudit(db: Db, n: number, ofPatients: number) {
  const head = await db
    .selectFrom('audit_event')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const resource = JSON.stringify({ resourceType: 'AuditEvent', filler: 'x'.repeat(300) });
  // The first stand-in links to the head (the platform's last entry of the previous size).
  const first = (head?.seq ?? 0) + 1;
  const headHash = head?.hash ?? GENESIS;
  for (let from = first; from <= n; from += 500_000) {
    const to = Math.min(n, from + 500_000 - 1);
    if (isPostgres(db)) {
      // The stand-ins link as a chain does (entry g's prev_hash is entry g − 1's hash); the
      // database's check of each link (PL/pgSQL, row by row) is left out of the bulk fill.
      await sql`ALTER TABLE audit_event DISABLE TRIGGER audit_event_extends_chain`.execute(db);
      await sql`INSERT INTO audit_event (seq, id, recorded, kind, patient_id, agent_idnps, mode, outcome, resource, prev_hash, hash)
        SELECT g, 'filler-' || g, '2026-01-01T00:00:00.000Z', 'patient-read', 'bench-' || (g % ${ofPatients}),
          '8' || (99700200000 + g % 500), 'normal', '0', ${resource},
          CASE WHEN g = ${first} THEN ${headHash} ELSE lpad(to_hex(g - 1), 64, '0') END, lpad(to_hex(g), 64, '0')
        FROM generate_series(${from}::bigint, ${to}::bigint) g`.execute(db);
      await sql`ALTER TABLE audit_event ENABLE TRIGGER audit_event_extends_chain`.execute(db);
    } else {
      await sql`WITH RECURSIVE s(g) AS (SELECT CAST(${from} AS INTEGER) UNION ALL SELECT g + 1 FROM s WHERE g < ${to})
        INSERT INTO audit_event (seq, id, recorded, kind, patient_id, agent_idnps, mode, outcome, resource, prev_hash, hash)
        SELECT g, 'filler-' || g, '2026-01-01T00:00:00.000Z', 'patient-read', 'bench-' || (g % ${ofPatients}),
          '8' || (99700200000 + g % 500), 'normal', '0', ${resource},
          CASE WHEN g = ${first} THEN ${headHash} ELSE printf('%064x', g - 1) END, printf('%064x', g) FROM s`.execute(
        db,
      );
    }
  }
}

const PAYLOAD = 'x'.repeat(700);

/** The plain durable insert on SQLite: its own connection, each insert committed and synced alone. */
function plainSqliteInsert(dataDir: string) {
  const plain = new DatabaseSync(databaseFile(dataDir));
  plain.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  const insert = plain.prepare('INSERT INTO bench_raw (id, payload) VALUES (?, ?)');
  return async (id: string) => {
    insert.run(id, PAYLOAD);
  };
}

/** The claims of bench physician `k` (distinct IDNPS, same profession and establishment). */
export const physicianClaims = (k: number) =>
  pscClaimsOf({ ...physician, idNps: `899700300${String(k).padStart(3, '0')}` });

const db = await openDatabase(where, { poolSize: 20 });
await fillPatients(db, patients);
await fillAudit(db, patients * ENTRIES_PER_PATIENT, patients);
await sql`CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, payload TEXT NOT NULL)`.execute(db);
// A database in service has been vacuumed and analysed by autovacuum: not in the middle of it, as
// right after a bulk fill (SQLite has no such daemon, nor needs it for these plans).
if (isPostgres(db)) await sql`VACUUM (ANALYZE)`.execute(db);

const config = configFromEnv({ DATA_DIR: ':memory:', LOG_LEVEL: 'silent', SHARE_CODE_ISSUERS: DEMO_SECRETARIAT });
const { app, audit, issuer } = await benchApp(db, config, { checkpointEvery: 1000 });
app.get('/bench/nothing', async () => ({ ok: true }));
// One durable row as large as an audit entry, in its own transaction, synced in its commit: the
// least a durable action costs done the plain way. On SQLite, on a connection of its own with
// `synchronous = FULL` (the platform's connection syncs its log apart, for many commits at once).
const bareInsert = isPostgres(db)
  ? (id: string) => sql`INSERT INTO bench_raw (id, payload) VALUES (${id}, ${PAYLOAD})`.execute(db)
  : plainSqliteInsert(where);
app.post('/bench/durable', async () => {
  await bareInsert(randomUUID());
  return { ok: true };
});
// The same insert through the platform's own database (on SQLite, its group sync).
app.post('/bench/grouped', async () => {
  await sql`INSERT INTO bench_raw (id, payload) VALUES (${randomUUID()}, ${PAYLOAD})`.execute(db);
  return { ok: true };
});
await app.ready();

const tokens = await Promise.all(
  Array.from(
    { length: PHYSICIANS },
    async (_, k) => (await issuer.bearer({ claims: physicianClaims(k) })).authorization,
  ),
);
const secretariat = await issuer.bearer({ claims: pscClaimsOf(secretary) });

// The record the circle reads: physician 0 in the circle of the first patients, each with documents.
for (let p = 0; p < MEMBERS_OF; p++) {
  await givenRecord(db, `bench-${p}`, {
    documents: [1, 2, 3].map((d) => ({
      id: `bench-${p}-doc-${d}`,
      type: d === 1 ? ('discharge' as const) : ('lab' as const),
      title: `Document ${d}`,
      text: 'Compte rendu '.repeat(40),
    })),
    alerts: ['Allergie : pénicilline'],
  });
  const joined = await app.inject({
    method: 'POST',
    url: `/fhir/Patient/bench-${p}/$care-team-join`,
    headers: { authorization: tokens[0]!, 'idempotency-key': `bench-setup-${p}-${randomUUID()}` },
  });
  if (joined.statusCode >= 300) throw new Error(`join: ${joined.statusCode} ${joined.body}`);
}
await givenExam(db, 'bench-0', {
  id: `bench-exam-${randomUUID()}`,
  organization: secretary.organization,
  organization_id: secretary.finess,
}).then(async (exam) => {
  const issued = await app.inject({
    method: 'POST',
    url: `/share/exams/${exam.id}/codes`,
    headers: { ...secretariat, 'content-type': 'application/json' },
    payload: {},
  });
  if (issued.statusCode >= 300) throw new Error(`code: ${issued.statusCode} ${issued.body}`);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, tokens, code: issued.json<{ code: string }>().code }));
});

process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await audit.close();
    await db.destroy();
    process.exit(0);
  })();
});
