/**
 * Break-glass sessions, the documents they opened and their reviews: every query of the slice.
 * The database allows one open session per professional and patient (partial unique index
 * `break_glass_open`, migration 0008), whatever the concurrency.
 */
import type { Db } from './database.ts';
import { readsTogether, row, rows } from './reads.ts';
import { patientQuery, type PatientOf, type PatientRow } from './patients.ts';
import { prepared } from './prepared.ts';
import { consentQuery, DEFAULT_CONSENT, type Consent } from './consent.ts';
import { insertMailQuery } from './mail-outbox.ts';
import type {
  BreakGlassReadTable,
  BreakGlassReviewTable,
  BreakGlassTable,
  MailOutboxTable,
  PatientNotificationTable,
} from './schema.ts';
import { writesTogether } from './writes.ts';

/** A session's columns, named. */
const SESSION = [
  'id',
  'patient_id',
  'idnps',
  'actor_name',
  'mode',
  'reason_code',
  'reason_text',
  'started_at',
  'expires_at',
  'ended_at',
] as const satisfies readonly (keyof BreakGlassTable)[];

/** The open, unexpired session of this professional for this patient. */
export async function openSession(db: Db, idnps: string, patientId: string, now: Date) {
  return (await open(db, idnps, patientId, now.toISOString())).rows[0];
}

/** The pair's open, unexpired session (`now`: an ISO instant). */
export const openSessionQuery = (db: Db, idnps: string, patientId: PatientOf, now: string) =>
  db
    .selectFrom('break_glass')
    .select(SESSION)
    .where('idnps', '=', idnps)
    .where('patient_id', '=', patientId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now);

const open = prepared(openSessionQuery);

/** Sessions not ended whose time is up (the sweep's). */
export async function dueSessions(db: Db, now: Date) {
  return (await due(db, now.toISOString())).rows;
}

const due = prepared((db: Db, now: string) =>
  db.selectFrom('break_glass').selectAll().where('ended_at', 'is', null).where('expires_at', '<=', now),
);

/**
 * What a break-glass start reads, read together (`reads.ts`): the patient (undefined: unknown), their choices,
 * and the pair's sessions not ended — open, or with their time up (to end first).
 */
export async function startReads(
  db: Db,
  idnps: string,
  patientId: string,
): Promise<{ patient?: PatientRow; consent: Consent; notEnded: BreakGlassTable[] }> {
  const { patient, consent, notEnded } = await startRows(db, idnps, patientId);
  return { patient, consent: consent ?? DEFAULT_CONSENT, notEnded };
}

const startRows = readsTogether((db: Db, idnps: string, patientId: string) => ({
  patient: row(patientQuery(db, patientId)),
  consent: row(consentQuery(db, patientId)),
  notEnded: rows(
    db
      .selectFrom('break_glass')
      .select(SESSION)
      .where('idnps', '=', idnps)
      .where('patient_id', '=', patientId)
      .where('ended_at', 'is', null),
  ),
}));

/**
 * A start's writes, together (`writes.ts`: one statement on PostgreSQL): the session unless one is
 * open for the same pair, the patient's notice and its MSSanté message. Says whether the session
 * was opened: if not, a parallel start won, and the caller takes its transaction back (the notice
 * and the message with it).
 */
export async function startSession(
  tx: Db,
  session: BreakGlassTable,
  notice: PatientNotificationTable,
  mail: MailOutboxTable,
): Promise<boolean> {
  return (await startWrites(tx, session, notice, mail)).session === 1;
}

const startWrites = writesTogether(
  (tx: Db, session: BreakGlassTable, notice: PatientNotificationTable, mail: MailOutboxTable) => ({
    session: tx
      .insertInto('break_glass')
      .values(session)
      .onConflict((oc) => oc.columns(['idnps', 'patient_id']).where('ended_at', 'is', null).doNothing()),
    notice: tx.insertInto('patient_notification').values(notice),
    mail: insertMailQuery(tx, mail),
  }),
);

/** Ends the session if it is still open; says whether it did (a parallel end may have won). */
export async function endSession(tx: Db, id: string, at: Date): Promise<boolean> {
  const result = await tx
    .updateTable('break_glass')
    .set({ ended_at: at.toISOString() })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recordSessionRead(tx: Db, sessionId: string, documentId: string, at: Date): Promise<void> {
  await sessionRead(tx, { break_glass_id: sessionId, document_id: documentId, at: at.toISOString() });
}

const sessionRead = prepared((tx: Db, row: BreakGlassReadTable) => tx.insertInto('break_glass_read').values(row));

export async function findSession(db: Db, id: string) {
  return db.selectFrom('break_glass').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function addReview(tx: Db, review: BreakGlassReviewTable): Promise<void> {
  await tx.insertInto('break_glass_review').values(review).execute();
}

/** A patient's break-glass sessions, newest first, for their own page. */
export async function sessionsOfPatient(db: Db, patientId: string) {
  return db
    .selectFrom('break_glass')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('started_at', 'desc')
    .execute();
}

/**
 * The sessions the privacy officer reviews, newest first, with the patient's names (a session
 * whose patient row is missing is still listed), the documents each opened and every review.
 */
export async function reviewRows(db: Db, filter: { reviewed?: boolean; limit: number }) {
  const sessions = await db
    .selectFrom('break_glass as b')
    .leftJoin('patient as p', 'p.id', 'b.patient_id')
    .selectAll('b')
    .select(['p.birth_name', 'p.given_names', 'p.birth_date'])
    .$if(filter.reviewed !== undefined, (q) =>
      q.where(({ exists, not, selectFrom }) => {
        const reviewed = exists(
          selectFrom('break_glass_review as v').select('v.id').whereRef('v.break_glass_id', '=', 'b.id'),
        );
        return filter.reviewed ? reviewed : not(reviewed);
      }),
    )
    .orderBy('b.started_at', 'desc')
    .limit(filter.limit)
    .execute();
  const ids = sessions.map((s) => s.id);
  if (ids.length === 0) return { sessions, reads: [], reviews: [] };
  const reads = await db
    .selectFrom('break_glass_read as r')
    .leftJoin('record_document as d', 'd.id', 'r.document_id')
    .select(['r.break_glass_id', 'r.at', 'd.title'])
    .where('r.break_glass_id', 'in', ids)
    .orderBy('r.at')
    .execute();
  const reviews = await db
    .selectFrom('break_glass_review')
    .selectAll()
    .where('break_glass_id', 'in', ids)
    .orderBy('at')
    .execute();
  return { sessions, reads, reviews };
}
