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

/**
 * Rows `g` = `from` … `to` − 1 of `table`, each the `select` of `g` (SQL both databases read the
 * same way: `||`, `%`, `CASE`), added by one statement.
 */
async function fill(db: Db, table: string, columns: string, select: string, from: number, to: number) {
  if (to <= from) return;
  const statement = isPostgres(db)
    ? `INSERT INTO ${table} (${columns}) SELECT ${select} FROM generate_series(${from}::bigint, ${to - 1}::bigint) g`
    : `WITH RECURSIVE s(g) AS (SELECT ${from} UNION ALL SELECT g + 1 FROM s WHERE g < ${to - 1}) ` +
      `INSERT INTO ${table} (${columns}) SELECT ${select} FROM s`;
  await sql.raw(statement).execute(db);
}

/** Patients `bench-0` … up to `n`, demo INS with valid keys, added by SQL from where the table stops. */
async function fillPatients(db: Db, from: number, n: number) {
  for (let at = from; at < n; at += 100_000) {
    const to = Math.min(n, at + 100_000) - 1;
    // INS key: 97 − (the 13 digits mod 97); the 13 digits: 2800175000000 + g.
    if (isPostgres(db)) {
      await sql`INSERT INTO patient (id, ins, ins_system, identity_status, birth_name, given_names, birth_date, sex)
        SELECT 'bench-' || g, (2800175000000 + g)::text || lpad((97 - (2800175000000 + g) % 97)::text, 2, '0'),
          'urn:oid:1.2.250.1.213.1.4.11', 'QUAL', 'BANC' || g, 'ESSAI', '1980-01-01', 'female'
        FROM generate_series(${at}::bigint, ${to}::bigint) g`.execute(db);
    } else {
      await sql`WITH RECURSIVE s(g) AS (SELECT CAST(${at} AS INTEGER) UNION ALL SELECT g + 1 FROM s WHERE g < ${to})
        INSERT INTO patient (id, ins, ins_system, identity_status, birth_name, given_names, birth_date, sex)
        SELECT 'bench-' || g, printf('%d%02d', 2800175000000 + g, 97 - (2800175000000 + g) % 97),
          'urn:oid:1.2.250.1.213.1.4.11', 'QUAL', 'BANC' || g, 'ESSAI', '1980-01-01', 'female' FROM s`.execute(db);
    }
  }
}

/** Professionals of the region already known for `n` patients (one for fifty, at least `PHYSICIANS`). */
const knownProfessionals = (n: number) => Math.max(PHYSICIANS, Math.floor(n / 50));

/**
 * What a platform in service holds beside its patients, for patients `from` … `n` − 1: the
 * professionals already seen (and their roles), each patient's care circle of two (the first its
 * médecin traitant), a shared document each, an alert for one in five, a consent for one in twenty,
 * and for one in a hundred a past break-glass session (ended) with its notice to the patient. The
 * routes' queries then run on tables of the size they would meet, and PostgreSQL plans them so.
 */
async function fillService(db: Db, from: number, n: number) {
  const [had, have] = [from === 0 ? 0 : knownProfessionals(from), knownProfessionals(n)];
  await fill(
    db,
    'practitioner',
    'id, idnps, rpps, title, family_name, given_name, organization, first_seen, updated_at',
    `'bench-pr-' || g, '8' || (99700500000 + g), '' || (99700500000 + g), 'Dr', 'CONFRERE' || g, 'Jean',
      'CH BENCH', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'`,
    had,
    have,
  );
  await fill(
    db,
    'practitioner_role',
    'id, practitioner_id, profession_code, organization, active',
    `'bench-pr-' || g || '-10', 'bench-pr-' || g, '10', 'CH BENCH', 1`,
    had,
    have,
  );
  // Two members per circle: roles g and g + have/2 (modulo `have`, an even number: never the same).
  for (const [member, role, fn] of [
    ['a', `g % ${have}`, `'PCP'`],
    ['b', `(g + ${have / 2}) % ${have}`, 'NULL'],
  ] as const) {
    await fill(
      db,
      'care_participation',
      'id, patient_id, practitioner_role_id, start, "end", function_code',
      `'bench-cp-${member}-' || g, 'bench-' || g, 'bench-pr-' || (${role}) || '-10', '2026-01-01T00:00:00.000Z', NULL, ${fn}`,
      from,
      n,
    );
  }
  await fill(
    db,
    'record_document',
    'id, patient_id, type_code, type_display, title, date, author, organization, content, masked',
    `'bench-fill-doc-' || g, 'bench-' || g, '11488-4', 'Consult note', 'Compte rendu de consultation',
      '2026-01-01T00:00:00.000Z', 'Dr CONFRERE', 'CH BENCH', 'Compte rendu de consultation, examen normal.', 0`,
    from,
    n,
  );
  const every = (k: number) => [Math.ceil(from / k), Math.ceil(n / k)] as const;
  await fill(
    db,
    'record_alert',
    'id, patient_id, text',
    `'bench-alert-' || g, 'bench-' || (g * 5), 'Allergie'`,
    ...every(5),
  );
  await fill(
    db,
    'consent',
    'patient_id, circle_access, break_glass_opposed, updated_at',
    `'bench-' || (g * 20), 1, 0, '2026-01-01T00:00:00.000Z'`,
    ...every(20),
  );
  await fill(
    db,
    'break_glass',
    'id, patient_id, idnps, actor_name, mode, reason_code, reason_text, started_at, expires_at, ended_at',
    `'bench-bg-' || g, 'bench-' || (g * 100), '8' || (99700500000 + g % ${have}), 'Dr CONFRERE', 'bris_de_glace',
      'patient-hors-etat', 'Patient inconscient', '2026-01-01T00:00:00.000Z', '2026-01-01T04:00:00.000Z',
      '2026-01-01T01:00:00.000Z'`,
    ...every(100),
  );
  await fill(
    db,
    'patient_notification',
    'id, patient_id, at, text',
    `'bench-notice-' || g, 'bench-' || (g * 100), '2026-01-01T00:00:00.000Z', 'Accès en urgence à votre dossier'`,
    ...every(100),
  );
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

/**
 * A platform in service reads its patients, circles and records all day: their pages stay in
 * PostgreSQL's shared buffers while the audit log's old pages, written once and never read, are the
 * ones evicted. Right after the bulk fill the fill's 10⁷ audit entries went through the buffers
 * last. Every table but the audit log's, and every index, is loaded into the buffers (`pg_prewarm`,
 * shipped with PostgreSQL) before anything is measured. (Most of the lookup's 283 µs at 10⁶ in
 * session 15 turned out to be page faults, not reads: `huge_pages` in `PG_SETTINGS`.)
 */
async function warm(db: Db) {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_prewarm`.execute(db);
  await sql`
    SELECT pg_prewarm(c.oid)
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid
    JOIN pg_class t ON t.oid = coalesce(i.indrelid, c.oid)
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')
      AND t.relname NOT IN ('audit_event', 'audit_event_rebuilt')`.execute(db);
}

/**
 * Nor is a database in service still writing a bulk fill back to its disk: after the largest fill
 * (9 × 10⁶ audit entries) the first round measured on SQLite ran at a quarter of the next ones'
 * rate and set the p99's growth (BENCHMARKS.md, session 22). Every page the fill wrote is made
 * durable in the database's files before the platform listens — a signal, not a delay:
 * PostgreSQL's `CHECKPOINT` writes and syncs its dirty buffers; SQLite's `TRUNCATE` checkpoint
 * copies the whole log into the file, syncs it and empties the log (asked again while the
 * checkpointer's thread holds a checkpoint of its own: `busy`).
 */
async function writtenBack(db: Db) {
  if (isPostgres(db)) {
    await sql`CHECKPOINT`.execute(db);
    return;
  }
  for (;;) {
    const { rows } = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    if (rows[0]?.busy === 0) return;
  }
}

/** The claims of bench physician `k` (distinct IDNPS, same profession and establishment). */
export const physicianClaims = (k: number) =>
  pscClaimsOf({ ...physician, idNps: `899700300${String(k).padStart(3, '0')}` });

const db = await openDatabase(where, { poolSize: 20 });
const had = Number(
  (
    await db
      .selectFrom('patient')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
  ).n,
);
await fillPatients(db, had, patients);
await fillService(db, had, patients);
await fillAudit(db, patients * ENTRIES_PER_PATIENT, patients);
await sql`CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, payload TEXT NOT NULL)`.execute(db);

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
// What autovacuum does within its minute, done before each measure (`measure`): every table whose
// rows changed past autovacuum's threshold since it was last analysed is analysed, and PostgreSQL's
// plans follow. Without it, a route measured right after another grew a table a thousandfold
// (the break-glass start: ten sessions from the fill, thousands in seconds) was planned on the
// table's old size until autovacuum woke (BENCHMARKS.md, session 16).
app.post('/bench/settle', async () => {
  if (!isPostgres(db)) return { analysed: [] };
  const { rows } = await sql<{ relname: string }>`
    SELECT t.relname FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid
    WHERE t.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)`.execute(db);
  for (const { relname } of rows) await sql`ANALYZE ${sql.table(relname)}`.execute(db);
  return { analysed: rows.map((r) => r.relname) };
});
await app.ready();

// Valid for the whole run (a platform may serve for an hour: bench:routes keeps the smallest size's).
const HOURS = 6 * 3600;
const tokens = await Promise.all(
  Array.from(
    { length: PHYSICIANS },
    async (_, k) => (await issuer.bearer({ claims: physicianClaims(k), expiresIn: HOURS })).authorization,
  ),
);
const secretariat = await issuer.bearer({ claims: pscClaimsOf(secretary), expiresIn: HOURS });

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
  // A database in service has been vacuumed and analysed by autovacuum, not in the middle of it as
  // right after a bulk fill: its plans are made on its tables' true sizes (SQLite has no such
  // daemon, nor needs it for these plans).
  if (isPostgres(db)) {
    await sql`VACUUM (ANALYZE)`.execute(db);
    await warm(db);
  }
  await writtenBack(db);
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
