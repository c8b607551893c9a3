/**
 * Share codes and the attempts to redeem them (issue 7). Codes are stored as keyed hashes only
 * (`server/share/code-key.ts`); the rules on them are in `server/share/codes.ts`.
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { isPostgres } from './dialect.ts';
import { readsTogether, rows, value } from './reads.ts';
import { examsQuery } from './exams.ts';
import { prepared } from './prepared.ts';
import type { ShareCodeTable } from './schema.ts';

export const findCode = async (db: Db, id: string) => (await codeById(db, id)).rows[0];

const codeById = prepared((db: Db, id: string) => db.selectFrom('share_code').selectAll().where('id', '=', id));

export const codesByLocator = async (db: Db, locatorHash: string) => (await byLocator(db, locatorHash)).rows;

const byLocatorQuery = (db: Db, locatorHash: string) =>
  db.selectFrom('share_code').selectAll().where('locator_hash', '=', locatorHash);

const byLocator = prepared(byLocatorQuery);

/**
 * What a redemption reads, read together (`reads.ts`): the codes under the locator (one live at
 * most, with the old ones that had it), the exams they open, which of those the professional may
 * open already, and their wrong attempts since the instant given.
 */
export async function redemptionReads(db: Db, locatorHash: string, idnps: string, since: Date) {
  const { codes, exams, granted, wrong } = await redemptionRows(db, locatorHash, idnps, since.toISOString());
  return {
    codes,
    examOf: (code: ShareCodeTable) => exams.find((e) => e.id === code.exam_id),
    grantedFor: (code: ShareCodeTable) => granted.some((g) => g.exam_id === code.exam_id),
    wrongAttempts: Number(wrong),
  };
}

const examsUnder = (db: Db, locatorHash: string) =>
  db.selectFrom('share_code').select('exam_id').where('locator_hash', '=', locatorHash);

const redemptionRows = readsTogether((db: Db, locatorHash: string, idnps: string, since: string) => ({
  codes: rows(byLocatorQuery(db, locatorHash)),
  exams: rows(examsQuery(db).where('id', 'in', examsUnder(db, locatorHash))),
  granted: rows(
    db
      .selectFrom('exam_access')
      .select('exam_id')
      .where('idnps', '=', idnps)
      .where('exam_id', 'in', examsUnder(db, locatorHash)),
  ),
  wrong: value(
    db
      .selectFrom('share_attempt')
      .select((c) => c.fn.countAll<number>().as('n'))
      .where('idnps', '=', idnps)
      .where('at', '>', since),
  ),
}));

/** The codes of these exams, newest first (the secretariat's list). */
export const codesOfExams = (db: Db, examIds: readonly string[]) =>
  db
    .selectFrom('share_code')
    .selectAll()
    .where('exam_id', 'in', [...examIds, ''])
    .orderBy('created_at', 'desc')
    .execute();

export async function insertCode(tx: Db, row: ShareCodeTable): Promise<void> {
  await tx.insertInto('share_code').values(row).execute();
}

export async function setCodeStatus(tx: Db, id: string, status: 'revoked' | 'used' | 'locked', at: Date) {
  await tx
    .updateTable('share_code')
    .set({ status, ...(status === 'revoked' ? { revoked_at: at.toISOString() } : {}) })
    .where('id', '=', id)
    .execute();
}

/** A single-use code used, if it still was active; says whether this call used it. */
export async function useCode(tx: Db, id: string): Promise<boolean> {
  return Number((await use(tx, id)).numAffectedRows) === 1;
}

const use = prepared((tx: Db, id: string) =>
  tx.updateTable('share_code').set({ status: 'used' }).where('id', '=', id).where('status', '=', 'active'),
);

export async function markSent(tx: Db, id: string, to: string): Promise<void> {
  await tx.updateTable('share_code').set({ sent_to: to }).where('id', '=', id).execute();
}

/** Wrong attempts by this professional, or from this address, since the instant given. */
export async function wrongAttemptsSince(db: Db, by: { idnps: string } | { address: string }, since: Date) {
  const [row] = (await wrongSince(db, by, since.toISOString())).rows;
  return Number(row!.n);
}

const wrongSince = prepared((db: Db, by: { idnps: string } | { address: string }, since: string) => {
  // The column is the field's name (part of the query's shape), its value a parameter.
  const [column, value] = 'idnps' in by ? (['idnps', by.idnps] as const) : (['address', by.address] as const);
  return db
    .selectFrom('share_attempt')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', value)
    .where('at', '>', since);
});

/** The advisory locks of the wrong-attempt counts on PostgreSQL ('SHAR', then the key's hash). */
const ATTEMPTS_LOCK = 0x53484152;

/**
 * Holds, until the transaction ends, the counts of wrong attempts by this professional and from
 * this address: another platform instance counting one for either waits, then sees this one. On
 * SQLite one process writes, one transaction at a time: nothing to hold. Always the professional
 * first, then the address, so that two transactions never wait for each other.
 */
export async function holdAttempts(tx: Db, by: { idnps: string; address: string }): Promise<void> {
  if (!isPostgres(tx)) return;
  await sql`SELECT pg_advisory_xact_lock(${ATTEMPTS_LOCK}, hashtext(${by.idnps}))`.execute(tx);
  await sql`SELECT pg_advisory_xact_lock(${ATTEMPTS_LOCK}, hashtext(${by.address}))`.execute(tx);
}

/**
 * A wrong attempt, and against which live code if its locator named one: that code's count goes
 * up, if it is still active (locked, used or revoked meanwhile: the attempt is not held against
 * it). Answers how many professionals have now given a wrong code for it (0: not counted).
 */
export async function recordWrongAttempt(
  tx: Db,
  attempt: { at: Date; idnps: string; address: string; codeId?: string },
): Promise<number> {
  const counted =
    attempt.codeId !== undefined &&
    Number(
      (
        await tx
          .updateTable('share_code')
          .set((eb) => ({ wrong_attempts: eb('wrong_attempts', '+', 1) }))
          .where('id', '=', attempt.codeId)
          .where('status', '=', 'active')
          .executeTakeFirst()
      ).numUpdatedRows,
    ) === 1;
  await tx
    .insertInto('share_attempt')
    .values({
      at: attempt.at.toISOString(),
      idnps: attempt.idnps,
      address: attempt.address,
      code_id: counted ? attempt.codeId! : null,
    })
    .execute();
  if (!counted) return 0;
  // The code's row is held by the update above until the transaction ends: another instance's
  // attempt against it counts after this one, and sees it.
  const row = await tx
    .selectFrom('share_attempt')
    .select((eb) => eb.fn.count<number>('idnps').distinct().as('n'))
    .where('code_id', '=', attempt.codeId!)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Who first opened an exam with each of these codes, and when (the secretariat's follow-up). */
export async function firstUses(db: Db, codeIds: readonly string[]) {
  if (codeIds.length === 0) return new Map<string, { at: string; by: string }>();
  const rows = await db
    .selectFrom('exam_access as a')
    .leftJoin('practitioner as p', 'p.idnps', 'a.idnps')
    .select(['a.share_code_id', 'a.granted_at', 'a.idnps', 'p.title', 'p.given_name', 'p.family_name'])
    .where('a.share_code_id', 'in', [...codeIds])
    .orderBy('a.granted_at')
    .execute();
  const first = new Map<string, { at: string; by: string }>();
  for (const r of rows) {
    if (first.has(r.share_code_id)) continue;
    const name = [r.title, r.given_name, r.family_name].filter(Boolean).join(' ');
    first.set(r.share_code_id, { at: r.granted_at, by: name || r.idnps });
  }
  return first;
}
