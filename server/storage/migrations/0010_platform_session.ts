import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Sign-in through the platform (issue 22): a login in progress at Pro Santé Connect, and the
 * extension's sessions — tokens known only by their SHA-256, bound to the extension's DPoP key.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('login_request')
      .addColumn('state', 'text', (c) => c.primaryKey())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('client_redirect_uri', 'text', (c) => c.notNull())
      .addColumn('client_state', 'text', (c) => c.notNull())
      .addColumn('client_code_challenge', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('platform_session')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('idnps', 'text', (c) => c.notNull())
      .addColumn('professional', 'text', (c) => c.notNull())
      .addColumn('psc_sid', 'text')
      .addColumn('psc_refresh_token', 'text')
      .addColumn('client_redirect_uri', 'text', (c) => c.notNull())
      .addColumn('client_code_challenge', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.unique())
      .addColumn('code_expires_at', 'text')
      .addColumn('jkt', 'text')
      .addColumn('access_hash', 'text', (c) => c.unique())
      .addColumn('access_expires_at', 'text')
      .addColumn('refresh_hash', 'text', (c) => c.unique())
      .addColumn('previous_refresh_hash', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_reason', 'text')
      .execute();
    await db.schema
      .createIndex('platform_session_previous')
      .on('platform_session')
      .column('previous_refresh_hash')
      .execute();
    await db.schema.createIndex('platform_session_sid').on('platform_session').column('psc_sid').execute();
  },
};
