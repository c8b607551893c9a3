/**
 * Kysely's SQLite dialect expects better-sqlite3's interface; Node 24 ships `node:sqlite`, which
 * needs no native build (docs/toolchain.md). This is the small bridge between the two, and where
 * a write waits to be durable: given a `durable` sync (`group-sync.ts`), a query or transaction
 * that changed rows resolves only once it is on the disk — after handing the connection on, so
 * that the next request's statements run while the disk syncs.
 */
import type { DatabaseSync } from 'node:sqlite';
import { type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import type { GroupSync } from './group-sync.ts';

function statement(stmt: StatementSync): SqliteStatement {
  const params = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
  return {
    reader: stmt.columns().length > 0,
    all: (p) => stmt.all(...params(p)),
    run: (p) => stmt.run(...params(p)),
    iterate: (p) => stmt.iterate(...params(p)),
  };
}

/** Statements kept prepared, by SQL text: Kysely builds the same text for the same query shape. */
const CACHED_STATEMENTS = 500;

/**
 * One connection, one user at a time (a transaction keeps it from its `begin` to its `commit`);
 * Kysely's own turn-taking would keep the connection during the sync, so the driver takes turns
 * itself and hands the connection on before waiting for the disk.
 */
class TurnsDriver extends SqliteDriver {
  #turn: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;
  #changes: () => number;
  #durable: GroupSync | undefined;
  #changesSeen = 0;

  constructor(database: SqliteDatabase, changes: () => number, durable: GroupSync | undefined) {
    super({ database });
    this.#changes = changes;
    this.#durable = durable;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const before = this.#turn;
    let release!: () => void;
    this.#turn = new Promise((resolve) => (release = resolve));
    await before;
    this.#release = release;
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    const changes = this.#changes();
    const wrote = changes !== this.#changesSeen;
    this.#changesSeen = changes;
    this.#release!();
    if (wrote && this.#durable) await this.#durable();
  }

  override async destroy(): Promise<void> {
    await this.#turn;
    await this.#durable?.close();
    await super.destroy();
  }
}

/** The driver takes turns itself (`TurnsDriver`): Kysely need not. */
class TurnsAdapter extends SqliteAdapter {
  override get supportsMultipleConnections() {
    return true;
  }
}

export function nodeSqliteDialect(db: DatabaseSync, options: { durable?: GroupSync } = {}): SqliteDialect {
  const cache = new Map<string, SqliteStatement>();
  const database: SqliteDatabase = {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare: (sql) => {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = statement(db.prepare(sql));
        if (cache.size >= CACHED_STATEMENTS) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
  // Rows changed by this connection since it opened (every commit that wrote moves it).
  const totalChanges = db.prepare('SELECT total_changes() AS n');
  const changes = () => totalChanges.get()!.n as number;
  return new (class extends SqliteDialect {
    override createDriver(): Driver {
      return new TurnsDriver(database, changes, options.durable);
    }
    override createAdapter() {
      return new TurnsAdapter();
    }
  })({ database });
}
