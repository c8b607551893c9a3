import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Share codes locked by several professionals, not by one (issue 17): each wrong attempt names
 * the live code its locator pointed at, and a code is locked (a stored status) once wrong
 * attempts come from `SHARE_CODE_LOCK_PROFESSIONALS` professionals. Codes locked under the
 * former rule (5 wrong attempts) stay locked.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('share_attempt').addColumn('code_id', 'text').execute();
    await db.schema.createIndex('share_attempt_code').on('share_attempt').columns(['code_id', 'idnps']).execute();
    await sql`UPDATE share_code SET status = 'locked' WHERE status = 'active' AND wrong_attempts >= 5`.execute(db);
  },
};
