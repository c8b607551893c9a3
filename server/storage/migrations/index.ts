/**
 * Schema migrations, applied in order at start-up, one file each: never edit one that has shipped,
 * add the next. Each says both forms where SQLite and PostgreSQL differ (`forms.ts`).
 */
import { Migrator, type Migration } from 'kysely/migration';
import type { Kysely } from 'kysely';
import { migration as m0001 } from './0001_patient.ts';
import { migration as m0002 } from './0002_practitioner.ts';
import { migration as m0003 } from './0003_audit.ts';
import { migration as m0004 } from './0004_care_team.ts';
import { migration as m0005 } from './0005_care_team_function.ts';
import { migration as m0006 } from './0006_share_codes.ts';
import { migration as m0007 } from './0007_shared_record.ts';
import { migration as m0008 } from './0008_break_glass_integrity.ts';
import { migration as m0009 } from './0009_share_code_lock.ts';
import { migration as m0010 } from './0010_platform_session.ts';
import { migration as m0011 } from './0011_exam_finess.ts';
import { migration as m0012 } from './0012_mail_outbox.ts';
import { migration as m0013 } from './0013_mail_receipts.ts';
import { migration as m0014 } from './0014_shared_state.ts';
import { migration as m0015 } from './0015_audit_chain_link.ts';
import { migration as m0016 } from './0016_idempotency_expiry.ts';
import { migration as m0017 } from './0017_audit_turn.ts';
import { migration as m0018 } from './0018_audit_chain_lock.ts';
import { migration as m0019 } from './0019_reads_by_index.ts';
import { migration as m0020 } from './0020_answers_lz4.ts';
import { migration as m0021 } from './0021_audit_lz4.ts';

const migrations: Record<string, Migration> = {
  '0001_patient': m0001,
  '0002_practitioner': m0002,
  '0003_audit': m0003,
  '0004_care_team': m0004,
  '0005_care_team_function': m0005,
  '0006_share_codes': m0006,
  '0007_shared_record': m0007,
  '0008_break_glass_integrity': m0008,
  '0009_share_code_lock': m0009,
  '0010_platform_session': m0010,
  '0011_exam_finess': m0011,
  '0012_mail_outbox': m0012,
  '0013_mail_receipts': m0013,
  '0014_shared_state': m0014,
  '0015_audit_chain_link': m0015,
  '0016_idempotency_expiry': m0016,
  '0017_audit_turn': m0017,
  '0018_audit_chain_lock': m0018,
  '0019_reads_by_index': m0019,
  '0020_answers_lz4': m0020,
  '0021_audit_lz4': m0021,
};

/** Migrates to the latest schema (or `to` one, named as in `migrations`: the migrations' tests). */
export async function migrate(db: Kysely<unknown>, to?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await (to ? migrator.migrateTo(to) : migrator.migrateToLatest());
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
}
