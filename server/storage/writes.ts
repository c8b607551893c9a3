/**
 * A change's writes that do not wait for each other's results, written once and run the way each
 * database runs them fastest — the counterpart of `reads.ts` for a transaction's changes:
 * - **PostgreSQL**: one statement, each write a data-modifying `WITH` of it whose changed rows are
 *   counted — one round trip instead of one per write. The writes see the same snapshot and must
 *   not touch the same rows (PostgreSQL leaves their order unspecified);
 * - **SQLite**: each write its own statement, in the order written (no round trip to save).
 *
 * Each call answers how many rows each write changed (an insert that met its `ON CONFLICT DO
 * NOTHING`: 0), so the caller decides what a race means, as with the writes run one by one.
 *
 *     const startWrites = writesTogether((tx: Db, session: BreakGlassTable, notice: NotificationRow) => ({
 *       session: openSessionInsert(tx, session),
 *       notice: noticeInsert(tx, notice),
 *     }));
 *     const { session } = await startWrites(tx, session, notice);  // 1: opened, 0: one was open
 *
 * Both are `prepared`: built once per database kind and argument shape.
 */
import {
  sql,
  type DeleteQueryBuilder,
  type InsertQueryBuilder,
  type QueryCreator,
  type UpdateQueryBuilder,
} from 'kysely';
import type { Db } from './database.ts';
import { isPostgres } from './dialect.ts';
import { prepared, preparedEach } from './prepared.ts';
import type { Database } from './schema.ts';

// Each write is a whole statement of its own: the tables it names are none of the caller's business.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Write =
  | InsertQueryBuilder<Database, any, any>
  | UpdateQueryBuilder<Database, any, any, any>
  | DeleteQueryBuilder<Database, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** How many rows each write changed, by name. */
export type Changed<W> = { [K in keyof W]: number };

/** The writes `build` names, run together (see above); each call gives the rows each changed. */
export function writesTogether<A extends unknown[], W extends Record<string, Write>>(build: (db: Db, ...args: A) => W) {
  const together = prepared((db: Db, ...args: A) => {
    const writes = Object.entries(build(db, ...args));
    // Each write a WITH of its name, returning a row per row changed; the statement counts them.
    let statement = db as unknown as QueryCreator<Record<string, { changed: number }>>;
    for (const [name, write] of writes) {
      // An update's and a delete's `returning` are an insert's (TypeScript cannot call their union).
      const returning = (write as InsertQueryBuilder<Database, never, never>).returning(sql.lit(1).as('changed'));
      statement = statement.with(name, () => returning as never) as never;
    }
    return statement.selectNoFrom((eb) =>
      writes.map(([name]) =>
        eb
          .selectFrom(name)
          .select((c) => c.fn.countAll<number>().as('n'))
          .as(name),
      ),
    );
  });
  // SQLite: a statement per write, in the order written.
  const apart = preparedEach(build, (_db, write) => write);
  return async (tx: Db, ...args: A): Promise<Changed<W>> => {
    if (isPostgres(tx)) {
      const [counts] = (await together(tx, ...args)).rows as Record<string, number>[];
      return counts as Changed<W>;
    }
    const changed: Record<string, number> = {};
    for (const { name, run } of apart(tx, args)) {
      changed[name] = Number((await run(tx, ...args)).numAffectedRows ?? 0);
    }
    return changed as Changed<W>;
  };
}
