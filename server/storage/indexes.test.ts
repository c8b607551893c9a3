/**
 * A platform in service holds millions of patients: a read that finds its rows by reading every
 * patient's grows with the region, not with the patient. Every query the workflows make is asked
 * of PostgreSQL's planner with sequential scans ruled out (`enable_seqscan = off`): a table still
 * read whole, or an index read whole without a condition (a bounded read in index order apart, or
 * a partial index's few rows), names a missing index. PostgreSQL only: its plans say which index
 * and with which condition; SQLite gets the same indexes from the same migrations.
 */
import { CompiledQuery } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onPostgres, testDatabase } from '../../test/support/database.ts';
import { givenExam } from '../../test/support/builders.ts';
import { givenPatients, recordCalls } from '../../test/support/record-fixtures.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { secretariat, demoSecretary } from '../../test/support/share-codes.ts';
import type { MintOptions } from '../../test/support/tokens.ts';
import { configFromEnv } from '../config.ts';
import { DEMO_SECRETARIAT, DEV_PROFESSIONALS, pscClaimsOf } from '../identity/dev-professionals.ts';
import { housekeep } from '../platform.ts';
import { sessionsOfPatient } from './break-glass.ts';
import type { Db } from './database.ts';
import { dueMails } from './mail-outbox.ts';
import { documentsOf, notificationsOf } from './record.ts';

const OFFICER = '3999700000025';
const officer: MintOptions = {
  claims: pscClaimsOf({ ...DEV_PROFESSIONALS.at(-1)!, idNps: OFFICER, job: 'Déléguée à la protection des données' }),
};
/** A physician outside every circle (break-glass). */
const emergencyPhysician: MintOptions = {
  claims: pscClaimsOf({ ...DEV_PROFESSIONALS.find((p) => p.accountId.endsWith(':physician'))!, idNps: '899700300777' }),
};

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** The scans of a plan that read a table or an index whole (under a `Limit`: bounded, not counted). */
function wholeReads(node: PlanNode, partial: Set<string>, limited = false): string[] {
  const under = limited || node['Node Type'] === 'Limit';
  const own =
    node['Node Type'] === 'Seq Scan'
      ? [`Seq Scan on ${node['Relation Name']}`]
      : /Index/.test(node['Node Type']) && !node['Index Cond'] && !under && !partial.has(node['Index Name'] ?? '')
        ? [`${node['Node Type']} on ${node['Index Name']} without a condition`]
        : [];
  return [...own, ...(node.Plans ?? []).flatMap((p) => wholeReads(p, partial, under))];
}

/** Each query's whole reads, as the planner would run it with sequential scans ruled out. */
async function wholeReadsOf(db: Db, queries: readonly CompiledQuery[]) {
  const partial = new Set(
    (
      await db
        .selectFrom('pg_indexes' as never)
        .select('indexname' as never)
        .where('indexdef' as never, 'like', '% WHERE %' as never)
        .execute()
    ).map((r) => (r as { indexname: string }).indexname),
  );
  return db.connection().execute(async (conn) => {
    await conn.executeQuery(CompiledQuery.raw('SET enable_seqscan = off'));
    const found: { sql: string; reads: string[] }[] = [];
    for (const query of queries) {
      const { rows } = await conn.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]),
      );
      const reads = wholeReads(rows[0]!['QUERY PLAN'][0].Plan, partial);
      if (reads.length > 0) found.push({ sql: query.sql, reads });
    }
    await conn.executeQuery(CompiledQuery.raw('RESET enable_seqscan'));
    return found;
  });
}

describe.skipIf(!onPostgres())('every read of the workflows finds its rows by an index', () => {
  let platform: TestPlatform;
  let watching = false;
  /** The queries run while watching, one of each text. */
  const queries = new Map<string, CompiledQuery>();
  const clock = new Date('2026-11-23T10:00:00Z');
  const defaults = configFromEnv({});

  beforeEach(async () => {
    queries.clear();
    watching = false;
    const db = await testDatabase({
      log: (query) => {
        if (watching && /^\s*(select|insert|update|delete|with)\b/i.test(query.sql)) queries.set(query.sql, query);
      },
    });
    platform = await testPlatform(
      {
        audit: { ...defaults.audit, readers: [OFFICER] },
        shareCodes: { ...defaults.shareCodes, issuers: [DEMO_SECRETARIAT] },
      },
      { now: () => clock, db },
    );
    await givenPatients(db);
    await givenExam(db, 'lefevre', {
      id: 'exam-lefevre-ct',
      organization: demoSecretary.organization,
      organization_id: demoSecretary.finess,
    });
  });
  afterEach(async () => {
    await platform.close();
    await platform.db.destroy();
  });

  it('lookup, circle, record, break-glass and its review, share codes, the patient’s page, housekeeping', async () => {
    const { call, join, breakGlass } = recordCalls(platform);
    const { db } = platform;
    const { ins } = await db.selectFrom('patient').select('ins').where('id', '=', 'lefevre').executeTakeFirstOrThrow();
    watching = true;
    const ok = async <R extends { statusCode: number; body: string }>(res: Promise<R>) => {
      const r = await res;
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r;
    };
    // A physician finds the patient, joins the circle, reads the record.
    await ok(call('GET', `/fhir/Patient?identifier=${ins}`));
    await ok(join('lefevre'));
    await ok(call('GET', '/fhir/CareTeam?patient=lefevre'));
    await ok(call('GET', '/fhir/Patient/lefevre/$summary'));
    await ok(call('GET', '/fhir/Patient/lefevre/$documents'));
    await ok(call('GET', '/fhir/Binary/lefevre-doc-1'));
    await ok(call('GET', '/fhir/Consent?patient=lefevre'));
    // Another, outside the circle, breaks the glass, reads, ends; the officer reviews.
    await ok(breakGlass('bernard', emergencyPhysician));
    await ok(call('GET', '/fhir/Binary/bernard-doc-1', emergencyPhysician));
    await ok(call('POST', '/fhir/Patient/bernard/$break-glass-end', emergencyPhysician));
    const [session] = (await ok(call('GET', '/review/break-glass', officer))).json<{ id: string }[]>();
    await ok(call('POST', `/review/break-glass/${session!.id}`, officer, { comment: 'Urgence vitale confirmée.' }));
    await ok(call('GET', '/review/break-glass.csv', officer));
    await ok(call('GET', '/fhir/AuditEvent?patient=bernard', officer));
    await ok(call('GET', '/fhir/Patient/bernard/$access-history', officer));
    // The secretariat issues a code; the physician redeems it and opens the exam.
    const issued = await ok(call('POST', '/share/exams/exam-lefevre-ct/codes', secretariat, {}));
    await ok(call('GET', '/share/exams', secretariat));
    await ok(
      call(
        'POST',
        '/fhir/$redeem-share-code',
        {},
        {
          resourceType: 'Parameters',
          parameter: [{ name: 'code', valueString: (JSON.parse(issued.body) as { code: string }).code }],
        },
      ),
    );
    await ok(call('GET', '/fhir/DocumentReference'));
    await ok(call('GET', '/fhir/DocumentReference/exam-lefevre-ct'));
    // The patient's page (its reads), the mail worker's and the housekeeping's.
    await notificationsOf(db, 'bernard');
    await sessionsOfPatient(db, 'bernard');
    await documentsOf(db, 'bernard');
    await dueMails(db, clock);
    await housekeep(platform.deps, 'indexes-test');
    watching = false;

    expect(queries.size).toBeGreaterThan(30);
    expect(await wholeReadsOf(db, [...queries.values()])).toEqual([]);
  });
});
