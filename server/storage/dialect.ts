/** Which database a Kysely instance speaks to: the few places where SQLite and PostgreSQL differ ask this. */
import { PostgresAdapter, type Kysely } from 'kysely';
import * as pg from 'kysely/helpers/postgres';
import * as sqlite from 'kysely/helpers/sqlite';

/** Whether this database is PostgreSQL (several platform instances may write to it at once). */
export const isPostgres = <T>(db: Kysely<T>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Kysely's JSON aggregation for this database — a subquery's rows as one JSON array, or its row as
 * one JSON object (PostgreSQL `json_agg`, SQLite `json_group_array`; SQLite's needs the columns
 * named, not `selectAll`) — so that one query brings several lists. Read them with `fromJson`.
 */
export const jsonOf = <T>(db: Kysely<T>) =>
  isPostgres(db) ? { jsonArrayFrom: pg.jsonArrayFrom, jsonObjectFrom: pg.jsonObjectFrom } : sqlite;

/** A value of `jsonOf`'s as the driver gives it: PostgreSQL's parsed, SQLite's as its text. */
export const fromJson = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
