/**
 * The audit chain's rows: entries, signed checkpoints and the keys that sign them. Written by
 * `server/audit/log.ts` alone, read by it and by the verifier (`server/audit/verify.ts`).
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { isPostgres } from './dialect.ts';
import { prepared } from './prepared.ts';
import type { AuditCheckpointTable, AuditEventTable } from './schema.ts';

export async function registerKey(db: Db, key: { key_id: string; public_jwk: string; created_at: string }) {
  await db
    .insertInto('audit_key')
    .values(key)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The public keys (JWK, as stored) of the log, oldest first. */
export async function storedKeys(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_key').select('public_jwk').orderBy('created_at').execute();
  return rows.map((r) => r.public_jwk);
}

const head = prepared((db: Db) =>
  db.selectFrom('audit_event').select(['seq', 'hash']).orderBy('seq', 'desc').limit(sql.lit(1)),
);

/** The newest entry's number and hash, if any. */
export const chainHead = async (db: Db) => (await head(db)).rows[0];

/**
 * The head, read inside the transaction that will append to it, when the writer does not know it.
 * On PostgreSQL several platform instances write: one statement takes the chain's transaction-wide
 * advisory lock (the one every append takes, migration 0018) and then reads the head its
 * predecessor committed (migration 0017's function: one round trip). SQLite: one process, one writer.
 */
export async function headForAppend(tx: Db) {
  if (!isPostgres(tx)) return chainHead(tx);
  const { rows } = await sql<{ seq: number; hash: string }>`SELECT seq, hash FROM audit_head_for_append()`.execute(tx);
  return rows[0];
}

/** The number of the newest entry a checkpoint seals (0: none). */
export async function lastSealed(db: Db): Promise<number> {
  const row = await db.selectFrom('audit_checkpoint').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row?.seq ?? 0;
}

/** Checkpoints sealing entries `from`..`to`, oldest first. */
export const checkpointsBetween = (db: Db, from: number, to = Number.MAX_SAFE_INTEGER) =>
  db
    .selectFrom('audit_checkpoint')
    .selectAll()
    .where('seq', '>=', from)
    .where('seq', '<=', to)
    .orderBy('seq')
    .execute();

/** Stores a checkpoint; another instance's checkpoint of the same entry is kept instead. */
export async function insertCheckpoint(db: Db, checkpoint: AuditCheckpointTable): Promise<void> {
  await db
    .insertInto('audit_checkpoint')
    .values(checkpoint)
    .onConflict((oc) => oc.column('seq').doNothing())
    .execute();
}

export const entryAt = (db: Db, seq: number) =>
  db.selectFrom('audit_event').selectAll().where('seq', '=', seq).executeTakeFirst();

/** Up to `limit` entries from `from` to `to`, in order. */
export const entriesBetween = (db: Db, from: number, to: number, limit: number) =>
  db
    .selectFrom('audit_event')
    .selectAll()
    .where('seq', '>=', from)
    .where('seq', '<=', to)
    .orderBy('seq')
    .limit(limit)
    .execute();

const insertEntries = prepared((tx: Db, entries: AuditEventTable[]) => tx.insertInto('audit_event').values(entries));

/** Appends a batch's entries in one statement (PostgreSQL: holding the chain's lock until the commit). */
export async function appendEntries(tx: Db, entries: readonly AuditEventTable[]): Promise<void> {
  await insertEntries(tx, [...entries]);
}

/**
 * Runs a change inside its batch's transaction, before the entries are written. With `savepoint`,
 * a change that fails is taken back alone and the transaction goes on; without, the transaction
 * can only be taken back whole (PostgreSQL refuses anything more in it).
 */
export async function runChange(
  tx: Db,
  change: (tx: Db) => Promise<void>,
  { savepoint }: { savepoint: boolean },
): Promise<void> {
  if (!savepoint) return change(tx);
  await sql`SAVEPOINT audit_change`.execute(tx);
  try {
    await change(tx);
    await sql`RELEASE audit_change`.execute(tx);
  } catch (error) {
    await sql`ROLLBACK TO audit_change`.execute(tx);
    await sql`RELEASE audit_change`.execute(tx);
    throw error;
  }
}
