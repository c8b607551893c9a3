/**
 * Kysely's SQLite dialect expects better-sqlite3's interface; Node 24 ships `node:sqlite`, which
 * needs no native build (TOOLCHAIN.md). This is the small bridge between the two.
 */
import type { DatabaseSync } from 'node:sqlite';
import { type SQLInputValue, type StatementSync } from 'node:sqlite';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

function statement(stmt: StatementSync): SqliteStatement {
  const params = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
  return {
    reader: stmt.columns().length > 0,
    all: (p) => stmt.all(...params(p)),
    run: (p) => stmt.run(...params(p)),
    iterate: (p) => stmt.iterate(...params(p)),
  };
}

export function nodeSqliteDialect(db: DatabaseSync): SqliteDialect {
  const database: SqliteDatabase = {
    close: () => db.close(),
    prepare: (sql) => statement(db.prepare(sql)),
  };
  return new SqliteDialect({ database });
}
