/**
 * PostgreSQL: a transaction whose statements are sent without waiting for each other's answers
 * (node-postgres's pipeline mode, PostgreSQL's extended protocol: each statement its own `Sync`,
 * answered in order). What a transaction then costs is the longest chain of statements that need
 * an earlier one's answer, not their number: the audit log sends a batch's `BEGIN` and every
 * change's statements in one flight, checks what each change did, then sends the entries with the
 * `COMMIT` behind them — two round trips a batch, where a request waited for each change of its
 * batch in turn (docs/scale.md).
 *
 *     const inserted = await inOneFlight(db, async (tx) => {
 *       const [a, b] = await Promise.all([insertA(tx), insertB(tx)]);  // sent together
 *       if (b.numAffectedRows !== 1n) throw new Refused();               // ROLLBACK, nothing written
 *       return a;
 *     });                                                                // COMMIT: both, or neither
 *
 * `run` is given a database on the transaction's connection whose queries go out as they are
 * asked (Kysely's own transactions send one, wait for its answer, then the next). The statements
 * reach PostgreSQL in the order they are asked; `run` must wait for every one it asked before it
 * returns (or throws). A statement that fails makes every later one of the transaction fail
 * (`current transaction is aborted`): the transaction is taken back whole.
 *
 * `run`'s second argument sends its last statement with the `COMMIT` right behind it, in the same
 * write: one round trip fewer, and what that statement locks (the audit chain's turn) is held until
 * the commit without waiting for the platform in between. The transaction then commits if that
 * statement succeeds — `run` must not ask anything after it, nor throw once it has succeeded.
 *
 *     await inOneFlight(db, async (tx, last) => {
 *       await insertA(tx);
 *       await last(() => insertB(tx));  // INSERT B, COMMIT: one write
 *     });
 */
import { Kysely, PostgresDialect, type KyselyConfig } from 'kysely';
import type pg from 'pg';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

interface Flights {
  pool: pg.Pool;
  /** The database's own log option (the tests of the queries' plans), its flights' too. */
  watched: Pick<KyselyConfig, 'log'>;
}

const flights = new WeakMap<Db, Flights>();
/**
 * The database each connection's flights are asked through (one per connection, kept), and what to
 * send right behind the next statement it hands the connection (the `COMMIT` after the last).
 */
interface Wing {
  db: Db;
  behindNext?: () => void;
}
const onConnection = new WeakMap<pg.PoolClient, Wing>();

/** Sends the statement `send` asks, then the `COMMIT` right behind it: the flight's last. */
export type Last = <R>(send: () => Promise<R>) => Promise<R>;

/** Makes `db` (PostgreSQL, its connections in pipeline mode) able to run transactions in one flight. */
export function allowFlights(db: Db, pool: pg.Pool, watched: Pick<KyselyConfig, 'log'>): void {
  flights.set(db, { pool, watched });
}

/** Whether `db` can run a transaction in one flight (PostgreSQL opened by `openDatabase`). */
export const canFly = (db: Db) => flights.has(db);

/** Runs `run` in one transaction whose statements do not wait for each other (see above). */
export async function inOneFlight<T>(db: Db, run: (tx: Db, last: Last) => Promise<T>): Promise<T> {
  const { pool, watched } = flights.get(db) ?? refuse();
  const client = await pool.connect();
  // A connection whose state is not known after a failure is closed, not given back to the pool.
  let broken: Error | undefined;
  try {
    // What is asked before the event loop's next turn (`BEGIN`, each change's first statements)
    // leaves in one write: one system call, one wake-up of the server's process (on this
    // machine, a write to PostgreSQL costs the platform about 100 µs of CPU).
    const socket = client.connection.stream;
    socket.cork();
    setImmediate(() => socket.uncork());
    const begun = client.query('BEGIN');
    const wing = flightWing(client, watched);
    let committed: Promise<pg.QueryResult> | undefined;
    const last: Last = (send) => {
      wing.behindNext = () => {
        committed = client.query('COMMIT');
        socket.uncork();
      };
      // The statement and its COMMIT in one write, as the flight's first ones.
      socket.cork();
      return send();
    };
    const flown = async () => {
      try {
        return await run(wing.db, last);
      } finally {
        // `last` sent nothing: its cork is taken off, nothing is left to send behind.
        if (wing.behindNext) socket.uncork();
        wing.behindNext = undefined;
      }
    };
    let result: T;
    try {
      result = await flown();
      await begun;
    } catch (error) {
      await begun.catch(() => {});
      // A COMMIT already sent behind a statement that failed is answered ROLLBACK.
      const ended = await (committed ?? client.query('ROLLBACK')).catch(
        (lost: unknown) => void (broken = lost as Error),
      );
      // `run` failed after its last statement succeeded (a mistake of `run`'s): said, not hidden.
      if (ended?.command === 'COMMIT')
        throw new Error('inOneFlight: committed, yet run failed after its last statement', { cause: error });
      throw error;
    }
    // PostgreSQL answers a COMMIT of a transaction a failed statement aborted with ROLLBACK.
    const { command } = await (committed ?? client.query('COMMIT')).catch((lost: unknown) => {
      broken = lost as Error;
      throw lost;
    });
    if (command !== 'COMMIT') throw new Error(`the transaction was taken back (${command})`);
    return result;
  } finally {
    client.release(broken);
  }
}

function refuse(): never {
  throw new Error('inOneFlight: not a PostgreSQL database opened by openDatabase');
}

/**
 * A Kysely on one connection whose queries are not made to wait for each other: each is handed to
 * the connection as it is asked (the connection, in pipeline mode, sends it at once).
 */
function flightWing(client: pg.PoolClient, watched: Pick<KyselyConfig, 'log'>): Wing {
  let wing = onConnection.get(client);
  if (!wing) {
    const query = (text: string, values: unknown[]) => {
      const answered = client.query(text, values);
      const behind = wing!.behindNext;
      wing!.behindNext = undefined;
      behind?.();
      return answered;
    };
    const connection = { query, release: () => {} };
    const pool = { connect: async () => connection, end: async () => {} };
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }), ...watched });
    wing = { db };
    onConnection.set(client, wing);
  }
  return wing;
}
