/**
 * A route's reads that do not depend on each other, written once and run the way each database
 * runs them fastest (`BENCHMARKS.md`, session 14):
 * - **PostgreSQL**: one query, each read a column of it (a row as a JSON object, rows as a JSON
 *   array in their query's order, `EXISTS`, a scalar) — one round trip instead of one per read,
 *   and each round trip wakes both processes;
 * - **SQLite**: each read its own query. There is no round trip to save, and SQLite runs a small
 *   query in a few microseconds where the same reads nested as JSON subqueries cost it ten times
 *   more (a correlated subquery is set up again for each use, its rows encoded then parsed back).
 *
 * Both are `prepared`: built once per database kind and argument shape.
 *
 *     const accessReads = readsTogether((db: Db, idnps: string, patientId: string) => ({
 *       patient: row(patientQuery(db, patientId)),
 *       member: exists(memberQuery(db, idnps, patientId)),
 *     }));
 *     const { patient, member } = await accessReads(db, idnps, patientId);
 */
import type { SelectQueryBuilder } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Db } from './database.ts';
import { isPostgres } from './dialect.ts';
import { prepared, preparedEach } from './prepared.ts';
import type { Database } from './schema.ts';

// Each read is a whole query of its own: the tables it names are none of the caller's business.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Select<R> = SelectQueryBuilder<Database, any, R>;

type Kind = 'row' | 'rows' | 'exists' | 'value';
/** A read of kind `K` whose query gives rows `R`. */
interface Read<K extends Kind = Kind, R = unknown> {
  kind: K;
  query: Select<R>;
}
const reading =
  <K extends Kind>(kind: K) =>
  <R>(query: Select<R>): Read<K, R> => ({ kind, query });

/** The query's one row (undefined: none): a read by a key, or limited to one (PostgreSQL refuses a second). */
export const row = reading('row');
/** Every row of the query, in its order. */
export const rows = reading('rows');
/** Whether the query has a row. */
export const exists = reading('exists');
/** The one column of the query's one row (a count), as the driver gives it (PostgreSQL's bigint as text). */
export const value = reading('value');

/** On SQLite, each kind's result from its query's rows (`exists` asks `EXISTS (…) AS v`). */
const FROM_ROWS: Record<Kind, (found: Record<string, unknown>[]) => unknown> = {
  row: (found) => found[0],
  rows: (found) => found,
  exists: (found) => Boolean(found[0]!.v),
  value: (found) => Object.values(found[0]!)[0],
};

type Result<P> =
  P extends Read<'row', infer R>
    ? R | undefined
    : P extends Read<'rows', infer R>
      ? R[]
      : P extends Read<'exists'>
        ? boolean
        : P extends Read<'value', infer R>
          ? R[keyof R]
          : never;

export type Results<P extends Record<string, Read>> = { [K in keyof P]: Result<P[K]> };

/** The reads `build` names, run together (see above); each call gives their results by name. */
export function readsTogether<A extends unknown[], P extends Record<string, Read>>(build: (db: Db, ...args: A) => P) {
  const together = prepared((db: Db, ...args: A) =>
    db.selectNoFrom((eb) =>
      Object.entries(build(db, ...args)).map(([name, read]) => {
        switch (read.kind) {
          case 'row':
            return jsonObjectFrom(read.query).as(name);
          case 'rows':
            return jsonArrayFrom(read.query).as(name);
          case 'exists':
            return eb.exists(read.query).as(name);
          case 'value':
            return read.query.as(name);
        }
      }),
    ),
  );
  // SQLite: a query per read.
  const apart = preparedEach(build, (db, read) =>
    read.kind === 'exists' ? db.selectNoFrom((eb) => eb.exists(read.query).as('v')) : read.query,
  );
  return async (db: Db, ...args: A): Promise<Results<P>> => {
    if (isPostgres(db)) {
      // node-postgres parses JSON: rows come back as objects and arrays.
      const [one] = (await together(db, ...args)).rows as Record<string, unknown>[];
      return Object.fromEntries(Object.entries(one!).map(([name, v]) => [name, v ?? undefined])) as Results<P>;
    }
    const results: Record<string, unknown> = {};
    for (const { name, part, run } of apart(db, args)) {
      results[name] = FROM_ROWS[part.kind]((await run(db, ...args)).rows as Record<string, unknown>[]);
    }
    return results as Results<P>;
  };
}
