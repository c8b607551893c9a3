/**
 * Kysely's SQLite dialect expects better-sqlite3's interface; Node 24 ships `node:sqlite`, which
 * needs no native build (docs/toolchain.md). This is the small bridge between the two, and where
 * a write waits to be durable: given a `durable` sync (`group-sync.ts`), a query or transaction
 * that changed rows resolves only once it is on the disk — after handing the connection on, so
 * that the next request's statements run while the disk syncs. Once synced, the log is copied
 * into the file by the `checkpoint` thread (`checkpointer.ts`), not here.
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
import type { Checkpointer } from './checkpointer.ts';
import type { GroupSync } from './group-sync.ts';

/**
 * A statement whose rows come back as arrays, made into objects here. `node:sqlite` builds each row
 * object with a null prototype, and V8 gives every such object a hidden class of its own: a new map
 * per row, allocated, promoted and collected (most of a declaration's page faults on SQLite —
 * BENCHMARKS.md, session 17). Objects built here in the columns' order share one hidden class.
 */
function statement(stmt: StatementSync): SqliteStatement {
  const params = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
  const names = stmt.columns().map((c) => c.name);
  // A column named `__proto__` would set the object's prototype: such a statement keeps node's rows.
  const asArrays = names.length > 0 && !names.includes('__proto__');
  stmt.setReturnArrays(asArrays);
  const object = (row: unknown) => {
    if (!asArrays) return row as Record<string, unknown>;
    const values = row as unknown[];
    const made: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) made[names[i]!] = values[i];
    return made;
  };
  return {
    reader: names.length > 0,
    all: (p) => stmt.all(...params(p)).map(object),
    run: (p) => stmt.run(...params(p)),
    iterate: function* (p) {
      for (const row of stmt.iterate(...params(p))) yield object(row);
    },
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
  #checkpoint: Checkpointer | undefined;
  #changesSeen = 0;

  constructor(database: SqliteDatabase, changes: () => number, options: WriteOptions) {
    super({ database });
    this.#changes = changes;
    this.#durable = options.durable;
    this.#checkpoint = options.checkpoint;
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
    if (!wrote) return;
    if (this.#durable) await this.#durable();
    // The log holds a synced commit more: copied into the file by the checkpointer's thread.
    this.#checkpoint?.();
  }

  override async destroy(): Promise<void> {
    await this.#turn;
    await this.#durable?.close();
    // The checkpointer's thread ends first: no checkpoint of its is under way when the connection
    // closes (the connection then copies the rest of the log and removes it).
    await this.#checkpoint?.close();
    await super.destroy();
  }
}

/** The driver takes turns itself (`TurnsDriver`): Kysely need not. */
class TurnsAdapter extends SqliteAdapter {
  override get supportsMultipleConnections() {
    return true;
  }
}

/** What follows a write: its sync (`group-sync.ts`), then a checkpoint (`checkpointer.ts`). */
interface WriteOptions {
  durable?: GroupSync;
  checkpoint?: Checkpointer;
}

export function nodeSqliteDialect(db: DatabaseSync, options: WriteOptions = {}): SqliteDialect {
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
  const totalChanges = db.prepare('SELECT total_changes()');
  totalChanges.setReturnArrays(true);
  const changes = () => (totalChanges.get() as unknown as [number])[0];
  return new (class extends SqliteDialect {
    override createDriver(): Driver {
      return new TurnsDriver(database, changes, options);
    }
    override createAdapter() {
      return new TurnsAdapter();
    }
  })({ database });
}
