/** The queries of the MSSanté outbox: messages written with their action, then delivered by the worker. */
import type { Db } from './database.ts';
import { prepared } from './prepared.ts';
import type { MailOutboxTable } from './schema.ts';

/** Queues a message in its action's transaction (a break-glass notice: the hot path's). */
export async function enqueueMail(tx: Db, row: MailOutboxTable): Promise<void> {
  await insertMail(tx, row);
}

/** A message's insert (written with its action's other writes: `break-glass.ts`). */
export const insertMailQuery = (tx: Db, row: MailOutboxTable) => tx.insertInto('mail_outbox').values(row);

const insertMail = prepared(insertMailQuery);

/** Messages due for an attempt, oldest first. */
export const dueMails = (db: Db, at: Date, limit = 20) =>
  db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('state', '=', 'pending')
    .where('next_at', '<=', at.toISOString())
    .orderBy('created_at')
    .limit(limit)
    .execute();

/**
 * Takes a due message for one attempt: its next attempt moves to `until`, if nobody moved it since
 * it was read. Answers whether this worker has it — of several platform instances, one sends it.
 */
export async function claimMail(db: Db, mail: { id: string; next_at: string }, until: Date): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set({ next_at: until.toISOString() })
    .where('id', '=', mail.id)
    .where('state', '=', 'pending')
    .where('next_at', '=', mail.next_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markMailSent(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({ state: 'sent', sent_at: at.toISOString(), error: null, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

export async function markMailRetry(db: Db, id: string, next: Date, error: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({ next_at: next.toISOString(), error, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

export async function markMailFailed(db: Db, id: string, at: Date, error: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({ state: 'failed', failed_at: at.toISOString(), error, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

/** The messages about these things (share codes, break-glass sessions), latest first. */
export const mailsAbout = (db: Db, refs: readonly string[]) =>
  refs.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('mail_outbox')
        .select([
          'ref',
          'kind',
          'recipient',
          'state',
          'attempts',
          'created_at',
          'sent_at',
          'failed_at',
          'error',
          'delivered_at',
          'read_at',
        ])
        .where('ref', 'in', refs)
        .orderBy('created_at', 'desc')
        .execute();

/**
 * What a receipt says of a sent message: delivered, read, or failed after all (the gateway took it,
 * the recipient's server did not). Answers whether it named a message of the platform's.
 */
export async function recordReceipt(
  db: Db,
  messageId: string,
  receipt: { kind: 'delivered' | 'failed' | 'delayed' | 'read'; detail?: string },
  at: Date,
): Promise<boolean> {
  const when = at.toISOString();
  const update = db.updateTable('mail_outbox').where('message_id', '=', messageId);
  const result =
    receipt.kind === 'delivered'
      ? await update.set((eb) => ({ delivered_at: eb.fn.coalesce('delivered_at', eb.val(when)) })).executeTakeFirst()
      : receipt.kind === 'read'
        ? await update.set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(when)) })).executeTakeFirst()
        : receipt.kind === 'failed'
          ? await update
              .set({ state: 'failed', failed_at: when, error: receipt.detail ?? 'échec signalé par le destinataire' })
              .executeTakeFirst()
          : await update.set({ error: receipt.detail ?? 'remise retardée' }).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
