/** Schema migrations, applied in order at start-up; never edit one that has shipped, add one. */
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { isPostgres } from './dialect.ts';

/**
 * Where SQLite and PostgreSQL differ, the migration says both: the audit tables' refusal of any
 * change (SQLite `RAISE(ABORT)`, PostgreSQL a PL/pgSQL function, also before `TRUNCATE`), the
 * audit sequence numbers (SQLite's 64-bit `integer`, PostgreSQL `bigint`) and generated keys.
 */
async function appendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  if (isPostgres(db)) {
    await sql
      .raw(
        `CREATE OR REPLACE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
          `BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
          `FOR EACH ROW EXECUTE FUNCTION append_only()`,
      )
      .execute(db);
    await sql
      .raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} EXECUTE FUNCTION append_only()`)
      .execute(db);
    return;
  }
  for (const action of ['UPDATE', 'DELETE']) {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_${action.toLowerCase()} BEFORE ${action} ON ${table} ` +
          `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
      )
      .execute(db);
  }
}
/** The current time as SQLite's `CURRENT_TIMESTAMP` writes it (UTC, `YYYY-MM-DD HH:MM:SS`), on both. */
const now = (db: Kysely<unknown>) =>
  isPostgres(db) ? sql`to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')` : sql`CURRENT_TIMESTAMP`;
const sequenceNumber = (db: Kysely<unknown>) => (isPostgres(db) ? 'bigint' : 'integer');

const migrations: Record<string, Migration> = {
  '0001_patient': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('patient')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ins', 'text', (c) => c.notNull())
        .addColumn('ins_system', 'text', (c) => c.notNull())
        .addColumn('identity_status', 'text', (c) =>
          c.notNull().check(sql`identity_status in ('PROV','RECUP','VALI','QUAL')`),
        )
        .addColumn('birth_name', 'text', (c) => c.notNull())
        .addColumn('given_names', 'text', (c) => c.notNull())
        .addColumn('used_name', 'text')
        .addColumn('birth_date', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('female','male')`))
        .addColumn('birth_place', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now(db)))
        .addUniqueConstraint('patient_ins_unique', ['ins_system', 'ins'])
        .execute();
      await db.schema.createIndex('patient_ins').on('patient').column('ins').execute();
    },
  },
  /** Professionals as their tokens describe them (Pro Santé Connect claims), kept for the audit. */
  '0002_practitioner': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('practitioner')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('idnps', 'text', (c) => c.notNull().unique())
        .addColumn('rpps', 'text')
        .addColumn('title', 'text')
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('given_name', 'text')
        .addColumn('mssante', 'text')
        .addColumn('organization', 'text')
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('practitioner_role')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('practitioner_id', 'text', (c) => c.notNull().references('practitioner.id').onDelete('cascade'))
        .addColumn('profession_code', 'text', (c) => c.notNull())
        .addColumn('organization', 'text')
        // A profession no longer in the claims is kept, inactive: later records may point at it.
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addUniqueConstraint('practitioner_role_unique', ['practitioner_id', 'profession_code'])
        .execute();
    },
  },
  /**
   * The audit log: append-only (triggers refuse UPDATE and DELETE), hash-chained (`prev_hash` →
   * `hash`, unique, so the chain cannot fork), with signed checkpoints of its head and the public
   * keys that signed them. `server/audit/` writes it; `npm run audit:verify` checks it.
   */
  '0003_audit': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_event')
        .addColumn('seq', sequenceNumber(db), (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('recorded', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('patient_id', 'text')
        .addColumn('agent_idnps', 'text')
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull().unique())
        // Not indexed: `prev_hash` unique already forbids a fork, and every index costs each write.
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_event_patient').on('audit_event').columns(['patient_id', 'seq']).execute();
      await db.schema.createIndex('audit_event_agent').on('audit_event').columns(['agent_idnps', 'seq']).execute();
      await db.schema
        .createTable('audit_checkpoint')
        .addColumn('seq', sequenceNumber(db), (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('signed_at', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_key')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      for (const table of ['audit_event', 'audit_checkpoint', 'audit_key']) await appendOnly(db, table);
    },
  },
  /**
   * Care circles (issue 6): one row per participation of a professional's role in a patient's
   * circle, with its period; leaving ends it, re-joining adds a new row (ANS `CDSCareTeam`). At most
   * one open participation per patient and role. And the answers to requests sent with an
   * `Idempotency-Key`, per professional, so that a replayed declaration changes nothing.
   */
  '0004_care_team': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('care_participation')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
        .addColumn('practitioner_role_id', 'text', (c) => c.notNull().references('practitioner_role.id'))
        .addColumn('start', 'text', (c) => c.notNull())
        .addColumn('end', 'text')
        .execute();
      await sql
        .raw(
          'CREATE UNIQUE INDEX care_participation_open ON care_participation (patient_id, practitioner_role_id) WHERE "end" IS NULL',
        )
        .execute(db);
      await db.schema
        .createIndex('care_participation_patient')
        .on('care_participation')
        .columns(['patient_id', 'start'])
        .execute();
      await db.schema
        .createTable('idempotency_key')
        .addColumn('idnps', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_key_pk', ['idnps', 'key'])
        .execute();
    },
  },
  /**
   * The médecin traitant (ANS CDS 2.0.1: TRE_R259 `PCP` in `careteam-roles-vs`): a participation
   * may carry this function; at most one open one per patient.
   */
  '0005_care_team_function': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('care_participation').addColumn('function_code', 'text').execute();
      await sql
        .raw(
          'CREATE UNIQUE INDEX care_participation_pcp ON care_participation (patient_id) WHERE "end" IS NULL AND function_code = \'PCP\'',
        )
        .execute(db);
    },
  },
  /**
   * Imaging share codes (issue 7): exams (report and images link), codes stored only as keyed
   * hashes with their lifetime count of wrong attempts, wrong codes per professional and address
   * (throttling), and the access a redeemed code grants.
   */
  '0006_share_codes': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('imaging_exam')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
        .addColumn('performed_at', 'text', (c) => c.notNull())
        .addColumn('modality', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('images_url', 'text', (c) => c.notNull())
        .addColumn('organization', 'text', (c) => c.notNull())
        .addColumn('prescriber_name', 'text')
        .addColumn('prescriber_mssante', 'text')
        .execute();
      await db.schema
        .createTable('share_code')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('exam_id', 'text', (c) => c.notNull().references('imaging_exam.id'))
        .addColumn('locator_hash', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('single_use', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('wrong_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('revoked_at', 'text')
        .addColumn('sent_to', 'text')
        .execute();
      await db.schema.createIndex('share_code_locator').on('share_code').column('locator_hash').execute();
      await db.schema.createIndex('share_code_exam').on('share_code').column('exam_id').execute();
      await db.schema
        .createTable('share_attempt')
        .addColumn('id', isPostgres(db) ? 'serial' : 'integer', (c) =>
          isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('idnps', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('share_attempt_idnps').on('share_attempt').columns(['idnps', 'at']).execute();
      await db.schema.createIndex('share_attempt_address').on('share_attempt').columns(['address', 'at']).execute();
      await db.schema
        .createTable('exam_access')
        .addColumn('exam_id', 'text', (c) => c.notNull().references('imaging_exam.id'))
        .addColumn('idnps', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addColumn('share_code_id', 'text', (c) => c.notNull().references('share_code.id'))
        .addPrimaryKeyConstraint('exam_access_pk', ['exam_id', 'idnps'])
        .execute();
    },
  },
  /**
   * The shared record (issue 8): documents (maskable by the patient), alerts, the patient's
   * consent and break-glass opposition, break-glass sessions with the documents they opened and
   * their review, and the patient's notifications.
   */
  '0007_shared_record': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('record_document')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
        .addColumn('type_code', 'text', (c) => c.notNull())
        .addColumn('type_display', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('organization', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('masked', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('record_document_patient')
        .on('record_document')
        .columns(['patient_id', 'date'])
        .execute();
      await db.schema
        .createTable('record_alert')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
        .addColumn('text', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('consent')
        .addColumn('patient_id', 'text', (c) => c.primaryKey().references('patient.id'))
        .addColumn('circle_access', 'integer', (c) => c.notNull())
        .addColumn('break_glass_opposed', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('break_glass')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
        .addColumn('idnps', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text', (c) => c.notNull())
        .addColumn('reason_text', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('reviewed_at', 'text')
        .addColumn('reviewed_by', 'text')
        .addColumn('review_comment', 'text')
        .execute();
      await db.schema.createIndex('break_glass_actor').on('break_glass').columns(['idnps', 'patient_id']).execute();
      await db.schema
        .createTable('break_glass_read')
        .addColumn('break_glass_id', 'text', (c) => c.notNull().references('break_glass.id'))
        .addColumn('document_id', 'text', (c) => c.notNull().references('record_document.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('patient_notification')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .execute();
    },
  },
  /**
   * Issue 16: one open break-glass session per professional and patient, enforced by the database
   * (older duplicates, possible before, are closed at their start: they never gave more access
   * than the newest one); reviews become a history (one row per review, none overwritten).
   */
  '0008_break_glass_integrity': {
    async up(db: Kysely<unknown>) {
      await sql`
        UPDATE break_glass SET ended_at = started_at
        WHERE ended_at IS NULL AND EXISTS (
          SELECT 1 FROM break_glass newer
          WHERE newer.idnps = break_glass.idnps AND newer.patient_id = break_glass.patient_id
            AND newer.ended_at IS NULL AND newer.started_at > break_glass.started_at)`.execute(db);
      await sql
        .raw('CREATE UNIQUE INDEX break_glass_open ON break_glass (idnps, patient_id) WHERE ended_at IS NULL')
        .execute(db);
      await db.schema
        .createTable('break_glass_review')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('break_glass_id', 'text', (c) => c.notNull().references('break_glass.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('reviewer_idnps', 'text', (c) => c.notNull())
        .addColumn('reviewer_name', 'text', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('break_glass_review_session')
        .on('break_glass_review')
        .columns(['break_glass_id', 'at'])
        .execute();
      await sql`
        INSERT INTO break_glass_review (id, break_glass_id, at, reviewer_idnps, reviewer_name, comment)
        SELECT 'migrated-' || id, id, reviewed_at, '', coalesce(reviewed_by, ''), coalesce(review_comment, '')
        FROM break_glass WHERE reviewed_at IS NOT NULL`.execute(db);
      for (const column of ['reviewed_at', 'reviewed_by', 'review_comment']) {
        await db.schema.alterTable('break_glass').dropColumn(column).execute();
      }
    },
  },
  /**
   * Share codes locked by several professionals, not by one (issue 17): each wrong attempt names
   * the live code its locator pointed at, and a code is locked (a stored status) once wrong
   * attempts come from `SHARE_CODE_LOCK_PROFESSIONALS` professionals. Codes locked under the
   * former rule (5 wrong attempts) stay locked.
   */
  '0009_share_code_lock': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('share_attempt').addColumn('code_id', 'text').execute();
      await db.schema.createIndex('share_attempt_code').on('share_attempt').columns(['code_id', 'idnps']).execute();
      await sql`UPDATE share_code SET status = 'locked' WHERE status = 'active' AND wrong_attempts >= 5`.execute(db);
    },
  },
  /**
   * Sign-in through the platform (issue 22): a login in progress at Pro Santé Connect, and the
   * extension's sessions — tokens known only by their SHA-256, bound to the extension's DPoP key.
   */
  '0010_platform_session': {
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
  },
  /**
   * Organisations by FINESS (issue 22): the imaging centre an exam belongs to, as its feed names it.
   * Exams stored before have none: no secretariat lists them until their feed says whose they are.
   */
  '0011_exam_finess': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('imaging_exam').addColumn('organization_id', 'text').execute();
      await db.schema.createIndex('imaging_exam_organization').on('imaging_exam').column('organization_id').execute();
    },
  },
  /**
   * MSSanté messages leave by SMTP (issue 21): written here in the transaction of the action that
   * causes them (with its audit entry), delivered by the platform's worker, retried until the
   * gateway takes them or refuses them for good.
   */
  '0012_mail_outbox': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('mail_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('share-code','break-glass-notice')`))
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('raw', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending','sent','failed')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('failed_at', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['state', 'next_at']).execute();
      await db.schema.createIndex('mail_outbox_ref').on('mail_outbox').column('ref').execute();
    },
  },
  /** Receipts of MSSanté messages (RFC 3464 delivery, RFC 8098 read), matched by `Message-ID`. */
  '0013_mail_receipts': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('mail_outbox').addColumn('delivered_at', 'text').execute();
      await db.schema.alterTable('mail_outbox').addColumn('read_at', 'text').execute();
    },
  },
  /**
   * Several platform instances on one PostgreSQL (issue 20): what one process kept in memory is
   * shared. Leases (one instance at a time does the break-glass sweep, reads receipts); DPoP
   * proofs seen while fresh (a proof replayed at another instance is refused) — on PostgreSQL an
   * unlogged table: proofs live a minute, a server crash forgets them and costs no journal
   * write; the demo patient page's sessions, known by their token's hash.
   */
  '0014_shared_state': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('platform_lease')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('until', 'text', (c) => c.notNull())
        .execute();
      await (
        isPostgres(db)
          ? db.schema.createTable('dpop_proof').modifyFront(sql`unlogged`)
          : db.schema.createTable('dpop_proof')
      )
        .addColumn('jti', 'text', (c) => c.primaryKey())
        .addColumn('until', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dpop_proof_until').on('dpop_proof').column('until').execute();
      await db.schema
        .createTable('patient_page_session')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('patient_id', 'text', (c) => c.notNull().references('patient.id'))
        .addColumn('until', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

export async function migrate(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
}
