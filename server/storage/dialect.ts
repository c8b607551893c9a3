/** Which database a Kysely instance speaks to: the few places where SQLite and PostgreSQL differ ask this. */
import { PostgresAdapter, type Kysely } from 'kysely';

/** Whether this database is PostgreSQL (several platform instances may write to it at once). */
export const isPostgres = <T>(db: Kysely<T>) => db.getExecutor().adapter instanceof PostgresAdapter;
