import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely } from 'kysely';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';
import { migrate } from './migrations.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/** Opens (and migrates) the platform's SQLite database in `dataDir`, or in memory. */
export async function openDatabase(dataDir: string): Promise<Db> {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'passerelle.sqlite');
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
