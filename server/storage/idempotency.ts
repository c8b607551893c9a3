/**
 * Requests sent with an `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): the first
 * successful answer is kept per professional and key, and a replay gets it again without running
 * anything; the same key for a different request is refused (422). Failures are not kept: a
 * declaration refused because the audit log was down can be retried with its key.
 */
import { FhirError } from '../fhir/operation-outcome.ts';
import type { Db } from './database.ts';

export interface Answer {
  status: number;
  body: unknown;
}

const KEY = /^[\x21-\x7e]{8,200}$/;

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

export async function idempotent(
  db: Db,
  scope: { idnps: string; key: string; request: string },
  run: () => Promise<Answer>,
  now = () => new Date(),
): Promise<Answer & { replayed: boolean }> {
  const stored = async () =>
    db
      .selectFrom('idempotency_key')
      .selectAll()
      .where('idnps', '=', scope.idnps)
      .where('key', '=', scope.key)
      .executeTakeFirst();
  const replay = (row: NonNullable<Awaited<ReturnType<typeof stored>>>) => {
    if (row.request !== scope.request) {
      throw new FhirError(422, {
        code: 'invalid',
        text: 'Cette clé d’idempotence a déjà servi pour une autre demande.',
        diagnostics: 'Idempotency-Key reused for a different request',
      });
    }
    return { status: row.status, body: JSON.parse(row.response) as unknown, replayed: true };
  };
  const before = await stored();
  if (before) return replay(before);
  const answer = await run();
  if (answer.status >= 300) return { ...answer, replayed: false };
  const inserted = await db
    .insertInto('idempotency_key')
    .values({
      ...scope,
      status: answer.status,
      response: JSON.stringify(answer.body),
      created_at: now().toISOString(),
    })
    .onConflict((oc) => oc.columns(['idnps', 'key']).doNothing())
    .executeTakeFirst();
  // A concurrent twin got there first: answer what it answered.
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    const twin = await stored();
    if (twin) return replay(twin);
  }
  return { ...answer, replayed: false };
}
