/**
 * Share-code limits with several platform instances on one database: the counts of wrong codes
 * are exact however the instances' attempts interleave (the routes' own rules are tested in
 * `server/routes/share-codes.test.ts`).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { givenExam, givenPatient } from '../../test/support/builders.ts';
import { testDatabase } from '../../test/support/database.ts';
import { devClaims } from '../../test/support/tokens.ts';
import { professionalFromClaims } from '../../src/core/psc.ts';
import { checkSymbol, formatCode, newCode } from '../../src/core/share-code.ts';
import { openAuditLog, type AuditLog } from '../audit/log.ts';
import { loadSigner } from '../audit/signer.ts';
import { configFromEnv } from '../config.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { Db } from '../storage/database.ts';
import { codeHasher } from './code-key.ts';
import { shareCodes } from './codes.ts';

const physician = (() => {
  const mapped = professionalFromClaims(devClaims('physician'));
  if (!mapped.ok) throw new Error('claims');
  return mapped.professional;
})();

const at = new Date('2026-11-25T10:00:00Z');
const limits = { ...configFromEnv({}).shareCodes, perProfessional: 3, perAddress: 5 };
/** The key both instances were given (`SHARE_CODE_KEY_FILE`). */
const key = Buffer.alloc(32, 7);

let db: Db;
let logs: AuditLog[];

beforeEach(async () => {
  db = await testDatabase();
  logs = [];
});
afterEach(async () => {
  await Promise.all(logs.map((log) => log.close()));
  await db.destroy();
});

/** A platform instance's share codes: its own audit log, the same database and key. */
async function instance() {
  const log = await openAuditLog(db, await loadSigner({}), { now: () => at });
  logs.push(log);
  return shareCodes(db, log, codeHasher(key), limits, () => at);
}

/** Two instances and a live code issued at the first. */
async function twoInstancesAndACode() {
  const instances = [await instance(), await instance()];
  const patient = await givenPatient(db);
  const exam = await givenExam(db, patient.id, {
    id: 'exam-1',
    organization: 'CENTRE D’IMAGERIE TEST',
    organization_id: '990000047',
  });
  const issued = await instances[0]!.issue(physician, exam.id, { singleUse: false });
  // The same locator, another secret: a wrong code, counted against the live code too.
  const locator = issued.code.slice(0, 4);
  const data =
    locator +
    (newCode().slice(4, 12) === issued.code.replaceAll('-', '').slice(4, 12) ? '00000000' : newCode().slice(4, 12));
  return { instances, codeId: issued.row.id, wrong: formatCode(data + checkSymbol(data)) };
}

/** The statuses of eight wrong codes given at once, half at each instance, sorted. */
async function eightWrongCodes(address: (i: number) => string) {
  const { instances, wrong } = await twoInstancesAndACode();
  const answers = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => instances[i % 2]!.redeem(physician, address(i), wrong)),
  );
  return statuses(answers);
}

const statuses = (answers: PromiseSettledResult<unknown>[]) =>
  answers.map((a) => (a.status === 'rejected' && a.reason instanceof FhirError ? a.reason.status : a)).sort();

it('counts no more wrong codes than a professional may give, whichever instance each reaches', async () => {
  const statuses = await eightWrongCodes(() => '10.0.0.1');
  expect(statuses).toEqual([404, 404, 404, 429, 429, 429, 429, 429]);
  const counted = await db.selectFrom('share_attempt').selectAll().where('idnps', '=', physician.idNps).execute();
  expect(counted).toHaveLength(limits.perProfessional);
});

it('counts no more wrong codes from an address than it may give, whichever instance each reaches', async () => {
  // Another professional already gave four wrong codes from the address: one more is allowed there.
  await db
    .insertInto('share_attempt')
    .values(
      Array.from({ length: 4 }, () => ({
        at: at.toISOString(),
        idnps: '899700999999',
        address: '10.0.0.9',
        code_id: null,
      })),
    )
    .execute();
  // This professional's first wrong code from there is counted (they had none); then the address is full.
  const statuses = await eightWrongCodes(() => '10.0.0.9');
  expect(statuses).toEqual([404, 429, 429, 429, 429, 429, 429, 429]);
  expect(await db.selectFrom('share_attempt').selectAll().where('address', '=', '10.0.0.9').execute()).toHaveLength(5);
});

it('locks a code at exactly the third professional guessing wrong, whichever instance each reaches', async () => {
  const { instances, wrong, codeId } = await twoInstancesAndACode();
  const colleague = (n: number) => ({ ...physician, idNps: `89970010${String(n).padStart(4, '0')}` });
  const answers = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => instances[i % 2]!.redeem(colleague(i), `10.0.1.${i}`, wrong)),
  );
  expect(statuses(answers)).toEqual(Array(8).fill(404));
  const code = await db
    .selectFrom('share_code')
    .select(['wrong_attempts', 'status'])
    .where('id', '=', codeId)
    .executeTakeFirstOrThrow();
  // Counted one after the other: the third locks it, later guesses meet a locked code (not counted against it).
  expect(code).toEqual({ wrong_attempts: 3, status: 'locked' });
});
