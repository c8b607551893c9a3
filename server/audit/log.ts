/**
 * THE audit path: every audited action of the platform goes through `record()`. An entry is
 * acknowledged only once durably committed (SQLite: its log synced, `group-sync.ts`): callers send their
 * answer after `record()` resolves, so an action without its entry never happens (for reads: no
 * data leaves the platform).
 *
 * Appends are serialised in this process and, on PostgreSQL, between the platform's instances (the
 * database gives each append a transaction-wide lock before it checks that the entries extend the
 * chain, migrations 0015 and 0018: one chain, no fork, no gap). Entries asked for while a
 * commit is under way are written together in the next transaction (group commit: one durable sync for them all), each in its own savepoint so that a
 * change that fails takes back only its own entry. Every `checkpointEvery` entries, at the
 * interval (while entries are written), at start and at close, the head is signed (Ed25519) into
 * `audit_checkpoint` and published outside the database (`published.ts`). The log refuses to open
 * on a database whose chain does not contain the last published checkpoint (truncated, rewritten,
 * or an old backup). Several instances (PostgreSQL) each sign with their own key and publish
 * every checkpoint of the database, theirs and the others'; one that has published nothing yet
 * (it joins) starts, and says so: the others' publications and the witnesses hold the earlier ones.
 */
import type { JWK } from 'jose';
import { FhirError } from '../fhir/operation-outcome.ts';
import {
  appendEntries,
  runChange,
  chainHead,
  headForAppend,
  checkpointsBetween,
  insertCheckpoint,
  lastSealed,
  registerKey,
  storedKeys,
} from '../storage/audit-chain.ts';
import type { Db } from '../storage/database.ts';
import { canFly, inOneFlight, type Last } from '../storage/flight.ts';
import type { AuditEventTable } from '../storage/schema.ts';
import { isPostgres } from '../storage/dialect.ts';
import { canonical, checkpointPayload, entryHash, GENESIS } from './chain.ts';
import { agentKey, toAuditEvent, type AuditInput } from './events.ts';
import { memoryCheckpoints, toSigned, type CheckpointStore, type SignedCheckpoint } from './published.ts';
import { refuseUnlessExtends } from './start-check.ts';
import type { AuditSigner } from './signer.ts';
import { newId } from '../storage/ids.ts';

/** Response header naming the audit entry of the answer, for traceability (and the crash test). */
export const AUDIT_HEADER = 'x-audit-event';

export interface AuditOptions {
  checkpointEvery?: number;
  checkpointIntervalMs?: number;
  now?: () => Date;
  /** At most this many entries per transaction (group commit). */
  maxBatch?: number;
  /** Batches written at once (PostgreSQL: 4 by default; SQLite: one connection, one writer). */
  writers?: number;
  /** Told what an operator should know (an instance joining a shared database with no publication yet). */
  onNotice?: (message: string) => void;
  /** Told when a checkpoint could not be written (the entries themselves are safe). */
  onCheckpointError?: (error: unknown) => void;
  /** Where checkpoints are published outside the database; in memory by default. */
  published?: CheckpointStore;
}

/** A change failed in a batch written without savepoints: the batch is written again, guarded. */
class WriteGuarded extends Error {}

/** Entries appended after a head that another instance had moved on from: written again, the head read. */
class HeadMoved extends Error {}

export interface Recorded {
  id: string;
  seq: number;
}

/** A change written in the same transaction as its audit entry: both are committed, or neither. */
export type Change = (tx: Db) => Promise<void>;

export interface AuditLog {
  record(input: AuditInput, change?: Change): Promise<Recorded>;
  checkpoint(): Promise<void>;
  /** The newest published checkpoint, for witnesses. */
  lastCheckpoint(): SignedCheckpoint | undefined;
  publicKeys(): Promise<JWK[]>;
  close(): Promise<void>;
}

export async function openAuditLog(db: Db, signer: AuditSigner, options: AuditOptions = {}): Promise<AuditLog> {
  const every = options.checkpointEvery ?? 100;
  const now = options.now ?? (() => new Date());
  await registerKey(db, {
    key_id: signer.keyId,
    public_jwk: JSON.stringify(signer.publicJwk),
    created_at: now().toISOString(),
  });

  const published = options.published ?? memoryCheckpoints();
  const publicKeys = async () => (await storedKeys(db)).map((jwk) => JSON.parse(jwk) as JWK);
  await refuseUnlessExtends(db, published, await publicKeys(), options.onNotice);

  /** The newest entry sealed by a checkpoint, as far as this process knows. */
  let sealed = 0;
  /** Entries this process appended since it last sealed. */
  let unsealed = 0;
  let tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it (in this process). */
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => {});
    return run;
  };

  /** Publishes the database's checkpoints the store does not hold yet (normally the newest one). */
  const publish = async () => {
    const after = published.last()?.seq ?? 0;
    const pending = await checkpointsBetween(db, after + 1);
    for (const row of pending) published.append(toSigned(row));
  };

  /** Signs the head (as committed by any instance) unless a checkpoint already seals it. */
  const seal = async () => {
    const head = await chainHead(db);
    sealed = Math.max(sealed, await lastSealed(db));
    if (head && head.seq > sealed) {
      const checkpoint = { seq: head.seq, hash: head.hash, signed_at: now().toISOString(), key_id: signer.keyId };
      await insertCheckpoint(db, { ...checkpoint, signature: signer.sign(checkpointPayload(checkpoint)) });
      sealed = head.seq;
    }
    unsealed = 0;
    await publish();
  };

  const sealQuietly = () =>
    seal().catch((error: unknown) => {
      options.onCheckpointError?.(error);
    });

  // What a crash left unsealed is sealed now; then at the interval while entries are written.
  await serially(seal);
  const timer = setInterval(() => void serially(sealQuietly), options.checkpointIntervalMs ?? 60_000);
  timer.unref();

  interface Waiting {
    input: AuditInput;
    change?: Change;
    resolve(recorded: Recorded): void;
    reject(error: unknown): void;
  }
  const waiting: Waiting[] = [];

  /**
   * An entry's event, made before its batch's transaction (canonical JSON is the costly part): only
   * its number and the hashes wait for the head.
   */
  const draft = (item: Waiting) => {
    const id = newId();
    const recorded = now().toISOString();
    const event = toAuditEvent(item.input, id, recorded);
    return { ...item, id, recorded, outcome: event.outcome, resource: canonical(event) };
  };
  type Drafted = ReturnType<typeof draft>;

  /**
   * The chain's head as this process last wrote or read it; `undefined`: not known (at start, after
   * a failure), read it under the chain's turn. A writer that knows the head appends without
   * reading it: if another instance wrote meanwhile, the database refuses the entries (their link
   * or their number, migrations 0015 and 0018) and the batch is written again, the head read.
   */
  let known: { seq: number; hash: string } | undefined;
  /** This process's writers append one after another: the next waits until the last one's entries are sent. */
  let turn: Promise<unknown> = Promise.resolve();
  /**
   * Appends waiting for their turn or at it. While one is, the head is not known (`known` is
   * cleared at each turn) but will be once it is sent: a batch of entries alone can count on it
   * (if that append fails, the batch finds no head at its turn and is written again, the head read).
   */
  let appending = 0;
  const takeTurn = async () => {
    let release!: () => void;
    const previous = turn;
    turn = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  };

  /**
   * The entries of a batch, numbered and linked from the head, sent in one statement. On
   * PostgreSQL the database gives the statement the chain's turn (an advisory lock held until the
   * commit, migration 0018) before it checks each link: writers of every instance append one batch
   * after another. In this process, the next writer sends its entries once these are sent — it
   * then waits in the database for this commit.
   */
  const appendBatch = async (
    tx: Db,
    kept: Drafted[],
    how: 'known head' | 'read head',
    last: Last = (send) => send(),
  ) => {
    appending++;
    const release = await takeTurn();
    const head = how === 'known head' ? known : undefined;
    known = undefined;
    try {
      // Outside a transaction the head cannot be read under the chain's turn: in one, then.
      if (!head && how === 'known head' && tx === db) throw new HeadMoved();
      let { seq, hash } = head ?? (await headForAppend(tx)) ?? { seq: 0, hash: GENESIS };
      const entries = kept.map((item) => {
        const fields = {
          seq: ++seq,
          id: item.id,
          recorded: item.recorded,
          kind: item.input.kind,
          patient_id: item.input.patientId ?? null,
          agent_idnps: agentKey(item.input.actor),
          mode: item.input.mode ?? 'normal',
          outcome: item.outcome,
          resource: item.resource,
          prev_hash: hash,
        };
        hash = entryHash(fields);
        return { ...fields, hash };
      });
      try {
        if (entries.length > 0) await last(() => appendEntries(tx, entries));
      } catch (error) {
        // Appended after a head another instance has moved on from: written again, the head read.
        throw head ? new HeadMoved('the chain moved on', { cause: error }) : error;
      }
      known = { seq, hash };
      return entries;
    } finally {
      appending--;
      release();
    }
  };

  /**
   * Writes one batch. Entries alone (reads) in one statement, committed as they are written; with
   * changes, one transaction: the changes, then the entries, the commit — on PostgreSQL the
   * changes in one flight (`flight.ts`: `BEGIN` and every change's statements sent without waiting
   * for each other's answers, then each change's checks on what its statements did, then the
   * entries and the `COMMIT` sent together), on SQLite
   * one after another. A change and its entry are committed together or not at all. If a change fails,
   * the transaction is taken back and the batch written again `guarded`: each change in a
   * savepoint, so that the one that fails takes back only itself and its entry is not written (a
   * savepoint costs two round trips on PostgreSQL: only when needed).
   */
  const writeBatch = async (batch: Drafted[], guarded = false, readHead = false): Promise<void> => {
    const kept: Drafted[] = [];
    // A refused change is answered after the commit, not before: its caller may look for what an
    // earlier entry of the batch did (a parallel start's session), from another connection.
    const refused: [Waiting, unknown][] = [];
    let written: AuditEventTable[];
    try {
      // Entries alone, the head known or about to be (another writer's append under way): one
      // statement, no transaction (two round trips fewer on PostgreSQL).
      if (!readHead && (known || appending > 0) && batch.every((item) => !item.change)) {
        kept.push(...batch);
        written = await appendBatch(db, kept, 'known head');
      } else if (!guarded && canFly(db)) {
        // PostgreSQL: `BEGIN` and every change's statements sent without waiting for each other's
        // answers (`flight.ts`), each change's checks on them; then the entries with the `COMMIT`
        // right behind them (the chain's turn held until the commit without waiting for this
        // process in between). The turn is taken once the changes are done, never while one waits
        // (for a row another batch holds, which may need the turn to commit).
        written = await inOneFlight(db, async (tx, last) => {
          const done = await Promise.allSettled(batch.map((item) => item.change?.(tx)));
          if (done.some((change) => change.status === 'rejected')) throw new WriteGuarded();
          kept.push(...batch);
          return appendBatch(tx, kept, readHead ? 'read head' : 'known head', last);
        });
      } else {
        written = await db.transaction().execute(async (tx) => {
          for (const item of batch) {
            if (item.change) {
              try {
                await runChange(tx, item.change, { savepoint: guarded });
              } catch (error) {
                if (!guarded) throw new WriteGuarded();
                refused.push([item, error]);
                continue;
              }
            }
            kept.push(item);
          }
          return appendBatch(tx, kept, readHead ? 'read head' : 'known head');
        });
      }
    } catch (error) {
      if (error instanceof WriteGuarded) return writeBatch(batch, true, readHead);
      if (error instanceof HeadMoved) return writeBatch(batch, guarded, true);
      // The head could not be read, the entries not written or the commit failed: nothing of the
      // batch is durable (an entry already refused on its own stays refused for its own reason).
      known = undefined;
      for (const [item, own] of refused) item.reject(own);
      for (const item of batch) item.reject(error);
      return;
    }
    for (const [item, own] of refused) item.reject(own);
    kept.forEach((item, i) => item.resolve({ id: item.id, seq: written[i]!.seq }));
    unsealed += written.length;
    if (unsealed >= every) await sealQuietly();
  };

  /**
   * Writers at work: one on SQLite (one connection); on PostgreSQL several, so that a batch's
   * changes run while another batch has the chain's turn.
   */
  const writers = new Set<Promise<void>>();
  const WRITERS = options.writers ?? (isPostgres(db) ? 4 : 1);
  const drain = () => {
    while (writers.size < WRITERS && waiting.length > writers.size) {
      const writer = (async () => {
        while (waiting.length > 0) {
          // One turn of the event loop lets requests already under way reach `record()` and join
          // this batch (group commit); it costs one turn to a lone request.
          await new Promise((resolve) => setImmediate(resolve));
          const batch = waiting.splice(0, options.maxBatch ?? 64);
          // Anything unforeseen refuses the whole batch, never leaves it waiting.
          await Promise.resolve()
            .then(() => writeBatch(batch.map(draft)))
            .catch((error: unknown) => batch.forEach((item) => item.reject(error)));
        }
      })().finally(() => {
        writers.delete(writer);
        drain();
      });
      writers.add(writer);
    }
  };

  return {
    record: (input, change) =>
      new Promise<Recorded>((resolve, reject) => {
        waiting.push({ input, change, resolve, reject });
        drain();
      }),
    checkpoint: () => serially(seal),
    lastCheckpoint: () => published.last(),
    publicKeys,
    async close() {
      clearInterval(timer);
      while (writers.size > 0) await Promise.all(writers);
      await serially(sealQuietly);
    },
  };
}

/**
 * Records the entry or refuses the action: an action whose audit entry cannot be written durably
 * does not happen, and the client is told so (503, French). Given a `change`, the entry and the
 * change are one transaction: no change without its entry, no entry for a change that failed.
 */
export async function recordOrRefuse(audit: AuditLog, input: AuditInput, change?: Change): Promise<Recorded> {
  try {
    return await audit.record(input, change);
  } catch (error) {
    // The change's own refusal (a FHIR error) is its answer; anything else is the log failing.
    if (error instanceof FhirError) throw error;
    throw new FhirError(503, {
      code: 'transient',
      text: 'Le journal d’audit est indisponible : l’action n’a pas eu lieu. Réessayez.',
      diagnostics: 'audit entry could not be written',
    });
  }
}
