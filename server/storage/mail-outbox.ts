/** The queries of the MSSanté outbox: messages written with their action, then delivered by the worker. */
import type { Db } from './database.ts';
import type { MailOutboxTable } from './schema.ts';

export async function enqueueMail(tx: Db, row: MailOutboxTable): Promise<void> {
  await tx.insertInto('mail_outbox').values(row).execute();
}

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
        .select(['ref', 'kind', 'recipient', 'state', 'attempts', 'created_at', 'sent_at', 'failed_at', 'error'])
        .where('ref', 'in', refs)
        .orderBy('created_at', 'desc')
        .execute();
