/**
 * Requests sent with an `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): what the
 * first successful answer needs to be given again is kept per professional and key (the route
 * decides what: the care circle keeps which participations it showed, `routes/care-team.ts`), and a
 * replay gets that answer without changing anything; the same key for a different request is refused (422). Failures are not kept: a
 * declaration refused because the audit log was down can be retried with its key. Answers are kept
 * a day (`ANSWERS_KEPT_MS`), then forgotten at housekeeping: a key sent again later runs again
 * (a second declaration changes nothing).
 */
import { FhirError } from '../fhir/operation-outcome.ts';
import type { Db } from './database.ts';
import { prepared } from './prepared.ts';
import type { IdempotencyKeyTable } from './schema.ts';

/** An answer as sent: its status and its JSON body, serialised once (kept, then sent as is). */
export interface Answer {
  status: number;
  json: string;
}

const KEY = /^[\x21-\x7e]{8,200}$/;

/** How long an answer is kept for its key: a client retries within minutes, a day is ample. */
export const ANSWERS_KEPT_MS = 24 * 60 * 60 * 1000;

/** The key of a request, checked: printable ASCII, 8 to 200 characters. */
export function idempotencyKey(header: unknown): string {
  if (typeof header !== 'string' || !KEY.test(header)) {
    throw new FhirError(400, {
      code: 'required',
      text: 'Requête incomplète : clé d’idempotence manquante ou invalide.',
      diagnostics: 'Idempotency-Key header required: 8 to 200 printable ASCII characters',
    });
  }
  return header;
}

export interface Scope {
  idnps: string;
  key: string;
  /** What was asked (operation and patient): the same key for another request is refused. */
  request: string;
}

/** The answer to replay from the row kept for the key (`keptAnswerQuery`), if any; 422 if it served another request. */
export function replayFrom(row: IdempotencyKeyTable | undefined, scope: Scope): Answer | undefined {
  if (!row) return undefined;
  if (row.request !== scope.request) {
    throw new FhirError(422, {
      code: 'invalid',
      text: 'Cette clé d’idempotence a déjà servi pour une autre demande.',
      diagnostics: 'Idempotency-Key reused for a different request',
    });
  }
  return { status: row.status, json: row.response };
}

/** The row kept for a professional's key. */
export const keptAnswerQuery = (db: Db, idnps: string, key: string) =>
  db
    .selectFrom('idempotency_key')
    .select(['idnps', 'key', 'request', 'status', 'response', 'created_at'])
    .where('idnps', '=', idnps)
    .where('key', '=', key);

/** The row keeping an answer for its key. */
export const keptAnswer = (scope: Scope, answer: Answer, now: Date): IdempotencyKeyTable => ({
  ...scope,
  status: answer.status,
  response: answer.json,
  created_at: now.toISOString(),
});

/** Keeps the row unless the key has one already (written with a change's own: `writes.ts`). */
export const keepAnswerQuery = (db: Db, row: IdempotencyKeyTable) =>
  db
    .insertInto('idempotency_key')
    .values(row)
    .onConflict((oc) => oc.columns(['idnps', 'key']).doNothing());

const keepAnswer = prepared(keepAnswerQuery);

/**
 * Thrown by `remember` (and by a change whose kept answer found one) when the key got its answer meanwhile: the same request sent twice at once
 * (to this instance or another) ran twice. In a change's transaction the change is taken back with
 * its entry; the caller answers with the kept answer, as a replay.
 */
export const answeredMeanwhile = new FhirError(409, {
  code: 'conflict',
  text: 'Cette demande a reçu sa réponse entre-temps.',
  diagnostics: 'Idempotency-Key answered meanwhile',
});

/**
 * Keeps a successful answer for its key — in the transaction of the change it answers when there
 * is one, so that a change is never committed without the answer its replays will get.
 */
export async function remember(db: Db, scope: Scope, answer: Answer, now: Date): Promise<void> {
  const kept = await keepAnswer(db, keptAnswer(scope, answer, now));
  // PostgreSQL: a key being kept by another transaction is waited for, then found kept.
  if (Number(kept.numAffectedRows) !== 1) throw answeredMeanwhile;
}

/**
 * The answer kept for a key, written anew in the transaction that kept it: the change it answers
 * turned out other than the answer written with it said (a request of the same professional at once).
 */
export async function keepInstead(tx: Db, scope: Scope, answer: Answer): Promise<void> {
  await tx
    .updateTable('idempotency_key')
    .set({ status: answer.status, response: answer.json })
    .where('idnps', '=', scope.idnps)
    .where('key', '=', scope.key)
    .execute();
}

/** Forgets the answers kept longer than `ANSWERS_KEPT_MS` (housekeeping). */
export async function forgetOldAnswers(db: Db, now: Date): Promise<void> {
  const before = new Date(now.getTime() - ANSWERS_KEPT_MS).toISOString();
  await db.deleteFrom('idempotency_key').where('created_at', '<', before).execute();
}
