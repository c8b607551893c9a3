/** The queries of sign-in: logins in progress at Pro Santé Connect, and the extension's sessions. */
import type { Db } from './database.ts';
import { prepared } from './prepared.ts';
import type { LoginRequestTable, PlatformSessionTable } from './schema.ts';

/** Keeps a login in progress; logins abandoned long ago go (the route is open: nothing piles up). */
export async function saveLoginRequest(db: Db, row: LoginRequestTable, now: Date): Promise<void> {
  await db.deleteFrom('login_request').where('expires_at', '<', now.toISOString()).execute();
  await db.insertInto('login_request').values(row).execute();
}

/** The login for this `state`, taken (deleted) so that it is used once; expired ones are dropped too. */
export async function takeLoginRequest(db: Db, state: string, now: Date): Promise<LoginRequestTable | undefined> {
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('login_request').selectAll().where('state', '=', state).executeTakeFirst();
    await tx
      .deleteFrom('login_request')
      .where((eb) => eb.or([eb('state', '=', state), eb('expires_at', '<', now.toISOString())]))
      .execute();
    return row && row.expires_at > now.toISOString() ? row : undefined;
  });
}

export async function insertSession(db: Db, row: PlatformSessionTable): Promise<void> {
  await db.insertInto('platform_session').values(row).execute();
}

/** The session a one-time code names, exchanged or not (a second exchange is a replay). */
export const sessionByCode = (db: Db, codeHash: string) =>
  db.selectFrom('platform_session').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();

/** The session an access token names (every request's). */
export const sessionByAccess = async (db: Db, accessHash: string) => (await byAccess(db, accessHash)).rows[0];

const byAccess = prepared((db: Db, accessHash: string) =>
  db.selectFrom('platform_session').selectAll().where('access_hash', '=', accessHash),
);

export const sessionByRefresh = (db: Db, refreshHash: string) =>
  db.selectFrom('platform_session').selectAll().where('refresh_hash', '=', refreshHash).executeTakeFirst();

/** The session whose refresh token was replaced by a newer one: a replay of it. */
export const sessionByPreviousRefresh = (db: Db, refreshHash: string) =>
  db.selectFrom('platform_session').selectAll().where('previous_refresh_hash', '=', refreshHash).executeTakeFirst();

/**
 * Gives the session new tokens, if it is still as the caller read it (`refresh_hash`/`code_hash`):
 * of two concurrent exchanges, one wins. Answers whether this one did.
 */
export async function rotateTokens(
  db: Db,
  id: string,
  expected: { codeHash: string } | { refreshHash: string },
  tokens: Pick<
    PlatformSessionTable,
    'jkt' | 'access_hash' | 'access_expires_at' | 'refresh_hash' | 'previous_refresh_hash' | 'psc_refresh_token'
  >,
): Promise<boolean> {
  let q = db
    .updateTable('platform_session')
    .set({ ...tokens, code_expires_at: null })
    .where('id', '=', id)
    .where('revoked_at', 'is', null);
  q =
    'codeHash' in expected
      ? q.where('code_hash', '=', expected.codeHash)
      : q.where('refresh_hash', '=', expected.refreshHash);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A session ended: when and why, its tokens forgotten (none of them opens it again). */
const ended = (now: Date, reason: string) => ({
  revoked_at: now.toISOString(),
  revoked_reason: reason,
  access_hash: null,
  refresh_hash: null,
  code_hash: null,
});

export async function revokeSession(db: Db, id: string, now: Date, reason: string): Promise<void> {
  await db
    .updateTable('platform_session')
    .set(ended(now, reason))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The live sessions opened under this PSC session (`sid`). */
export const liveSessionsOfPsc = (db: Db, pscSid: string) =>
  db.selectFrom('platform_session').selectAll().where('psc_sid', '=', pscSid).where('revoked_at', 'is', null).execute();
