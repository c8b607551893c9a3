import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely } from 'kysely';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';
import { migrate } from './migrations.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export const databaseFile = (dataDir: string) => join(dataDir, 'passerelle.sqlite');

/** Opens an existing database without writing to it (no migration): for `npm run audit:verify`. */
export function openDatabaseReadOnly(dataDir: string): Db {
  const file = databaseFile(dataDir);
  if (!existsSync(file)) throw new Error(`no database in ${dataDir}`);
  return new Kysely<Database>({ dialect: nodeSqliteDialect(new DatabaseSync(file, { readOnly: true })) });
}

/** Opens (and migrates) the platform's SQLite database in `dataDir`, or in memory. */
export async function openDatabase(dataDir: string): Promise<Db> {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = databaseFile(dataDir);
  }
  const sqlite = new DatabaseSync(file);
  // WAL with full synchronous commits: an acknowledged write survives a crash or power loss.
  sqlite.exec(
    'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
  );
  const db = new Kysely<Database>({ dialect: nodeSqliteDialect(sqlite) });
  await migrate(db as Kysely<unknown>);
  return db;
}
