/**
 * Queries built once. Kysely builds and compiles a query each time it runs: ≈ 40 µs for a join,
 * ten times what SQLite then takes to run it, and a hot route runs ten queries. A query written
 * with `prepared` is built and compiled once per database kind and per shape of its arguments
 * (`BENCHMARKS.md`, session 9), then run with each call's values in the places of its parameters.
 *
 * The builder is the same Kysely code as anywhere else, called once with stand-ins for the
 * arguments: a value stands for itself (`null` too); an array or a plain object (a row to insert)
 * stands for its elements or fields, and its length or its keys (fields left `undefined` apart, as
 * Kysely leaves them out) are part of the shape; `undefined` is a shape of its own, so a builder
 * may leave out a clause for a missing argument. A builder must not branch on an argument's value
 * otherwise, nor use one as a name or compute with it: a stand-in that does not come out as a
 * parameter of its own, or comes out in the SQL text or inside another value, is refused at the
 * first call.
 *
 * A constant `LIMIT` is written `.limit(sql.lit(1))`, in the SQL text: SQLite runs a statement whose
 * LIMIT is a parameter three times slower (measured: 12 µs against 4 for a row by its key).
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import { isPostgres } from './dialect.ts';

const STAND_IN = '\u0000passerelle-argument:';
/** Compiled forms kept per query, at most. */
const SHAPES = 500;

type Build<D, A extends unknown[], O> = (db: Kysely<D>, ...args: A) => Compilable<O>;

interface Compiled {
  query: CompiledQuery;
  /** For each parameter of the compiled query: where its value comes from in the arguments. */
  values: Place[];
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** What the compiled form depends on: which arguments are missing, arrays' lengths, rows' fields. */
function shapeOf(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(shapeOf).join(',')}]`;
  if (isPlain(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .map((k) => `${k}:${shapeOf(value[k])}`)
      .join(',')}}`;
  }
  return 'v';
}

type Place = (args: readonly unknown[]) => unknown;

/** Stand-ins for the arguments, each naming its value's place (`places`: name → how to read it). */
function standIn(value: unknown, name: string, read: Place, places: Map<string, Place>): unknown {
  if (value === undefined) return value;
  if (Array.isArray(value)) {
    return value.map((v, j) => standIn(v, `${name}.${j}`, (a) => (read(a) as unknown[])[j], places));
  }
  if (isPlain(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => value[k] !== undefined)
        .map((k) => [k, standIn(value[k], `${name}.${k}`, (a) => (read(a) as Record<string, unknown>)[k], places)]),
    );
  }
  if (value !== null && typeof value === 'object')
    throw new TypeError(`prepared query: ${name} is neither a value, an array nor a row`);
  places.set(STAND_IN + name, read);
  return STAND_IN + name;
}

function compile<D>(
  db: Kysely<D>,
  build: Build<D, unknown[], unknown>,
  args: readonly unknown[],
  { someArguments = false }: Options,
): Compiled {
  const places = new Map<string, Place>();
  const stood = args.map((arg, i) => standIn(arg, String(i), (a) => a[i], places));
  const query = build(db, ...stood).compile();
  const used = new Set<string>();
  const values = query.parameters.map((p) => {
    const place = typeof p === 'string' ? places.get(p) : undefined;
    if (!place) {
      // A stand-in inside a value (its NUL, whatever the case): the builder computed with an
      // argument (`ins-${id}`, `id.toUpperCase()`).
      if (typeof p === 'string' && p.includes(STAND_IN[0]!))
        throw new TypeError(`prepared query: an argument computed into ${p}`);
      return () => p;
    }
    used.add(p as string);
    return place;
  });
  const unused = [...places.keys()].filter((name) => (!used.has(name) && !someArguments) || query.sql.includes(name));
  if (unused.length > 0) {
    throw new TypeError(
      `prepared query: ${unused.map((n) => n.slice(STAND_IN.length)).join(', ')} not a parameter of ${query.sql}`,
    );
  }
  return { query, values };
}

interface Options {
  /** The query uses some of the arguments only (one of several reads written together: `reads.ts`). */
  someArguments?: boolean;
}

/**
 * A query built once per database kind and argument shape; each call runs it with its own values.
 * `(await q(db, …)).rows` are the rows; `numAffectedRows` (a bigint) counts an update's rows.
 */
export function prepared<D, A extends unknown[], O>(build: Build<D, A, O>, options: Options = {}) {
  const cache = new Map<string, Compiled>();
  return async (db: Kysely<D>, ...args: A): Promise<QueryResult<O>> => {
    const key = (isPostgres(db) ? 'pg|' : 'sqlite|') + shapeOf(args);
    let compiled = cache.get(key);
    if (!compiled) {
      compiled = compile(db, build as Build<D, unknown[], unknown>, args, options);
      // Shapes are few (rows' fields, batch sizes up to 64): a bound all the same.
      if (cache.size < SHAPES) cache.set(key, compiled);
    }
    const parameters = compiled.values.map((value) => value(args));
    return db.executeQuery<O>({ ...(compiled.query as CompiledQuery<O>), parameters });
  };
}

/**
 * Each query a builder names (`{ name: query… }`), prepared on its own — for queries written
 * together that a database runs apart (SQLite: `reads.ts`, `writes.ts`). Each uses some of the
 * arguments; `query` makes the statement of a part. The names, and each part as first built, are
 * known from the first call: a builder names the same parts whatever its arguments.
 */
export function preparedEach<D, A extends unknown[], P extends Record<string, unknown>, O>(
  build: (db: Kysely<D>, ...args: A) => P,
  query: (db: Kysely<D>, part: P[keyof P]) => Compilable<O>,
) {
  let each: { name: keyof P & string; part: P[keyof P]; run: ReturnType<typeof prepared<D, A, O>> }[] | undefined;
  return (db: Kysely<D>, args: A) =>
    (each ??= Object.entries(build(db, ...args)).map(([name, part]) => ({
      name,
      part: part as P[keyof P],
      run: prepared((db: Kysely<D>, ...args: A) => query(db, build(db, ...args)[name] as P[keyof P]), {
        someArguments: true,
      }),
    })));
}
