/** Audited answers, refusal without a durable entry, and reading the log by the right people. */
import { auditDiskFull } from '../../test/support/database.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../config.ts';
import { LEFEVRE, givenPatient } from '../../test/support/builders.ts';
import { validateR4 } from '../../test/support/fhir.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import type { MintOptions } from '../../test/support/tokens.ts';
import { verifyAudit } from '../audit/verify.ts';

const READER = '899700100052';
const reader: MintOptions = {
  claims: {
    SubjectNameID: READER,
    preferred_username: READER,
    SubjectRefPro: { exercices: [{ codeProfession: '10', nomDexercice: 'DELÉGUÉE', prenomDexercice: 'Protection' }] },
  },
};

let platform: TestPlatform;
/** The test's clock: every entry is dated by it, whatever today is. */
const CLOCK = new Date('2026-03-10T09:30:00Z');
beforeEach(async () => {
  const defaults = configFromEnv({ DATA_DIR: ':memory:' });
  platform = await testPlatform(
    { audit: { ...defaults.audit, readers: [READER] } },
    {
      now: () => CLOCK,
      seed: async (db) => {
        await givenPatient(db, LEFEVRE);
        await givenPatient(db, { id: 'girard', birthName: 'GIRARD' });
      },
    },
  );
});
afterEach(() => platform.close());

const get = async (url: string, as: MintOptions = {}) =>
  platform.app.inject({ method: 'GET', url, headers: await platform.issuer.bearer(as) });
type Event = { resourceType: string; id: string; agent: { who: { identifier?: { value: string } } }[] };
const events = <E = Event>(res: Awaited<ReturnType<typeof get>>) =>
  res.json<{ entry: { resource: E }[] }>().entry.map((e) => e.resource);

describe('audited answers', () => {
  it('writes the entry before answering a patient search, and names it in the answer', async () => {
    const res = await get('/fhir/Patient?identifier=255081416802538', { as: 'nurse' });
    expect(res.statusCode).toBe(200);
    const id = res.headers['x-audit-event'];
    const row = await platform.db
      .selectFrom('audit_event')
      .selectAll()
      .where('id', '=', String(id))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      kind: 'patient-search',
      patient_id: 'lefevre',
      agent_idnps: '899700100029',
      mode: 'normal',
    });
    expect(() => validateR4(JSON.parse(row.resource))).not.toThrow();
  });

  it('answers 503 and gives no data when the entry cannot be written; the chain stays whole', async () => {
    const diskFull = await auditDiskFull(platform.db);
    const refused = await get('/fhir/Patient?identifier=255081416802538');
    await diskFull();
    expect(refused.statusCode).toBe(503);
    expect(refused.json().issue[0].details.text).toMatch(/journal d’audit est indisponible/);
    expect(refused.body).not.toContain('LEF');
    expect(refused.body).not.toContain('lefevre');

    expect((await get('/fhir/Patient/lefevre')).statusCode).toBe(200);
    expect(await verifyAudit(platform.db)).toMatchObject({ ok: true });
  });

  it('records a login when the extension announces the session', async () => {
    const res = await get('/fhir/Practitioner/$me', { as: 'midwife' });
    expect(res.statusCode).toBe(200);
    const last = await platform.db
      .selectFrom('audit_event')
      .selectAll()
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({ kind: 'login', agent_idnps: '899700100037' });
  });
});

describe('reading the audit log', () => {
  it('shows a professional their own actions only, and refuses them anyone else’s', async () => {
    await get('/fhir/Patient?identifier=279035121518989', { as: 'pharmacist' });
    const own = await get('/fhir/AuditEvent', { as: 'pharmacist' });
    expect(own.statusCode).toBe(200);
    const list = events(own);
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((e) => e.agent[0]!.who.identifier!.value === '899700100045')).toBe(true);
    const other = await get('/fhir/AuditEvent?agent=899700100029', { as: 'pharmacist' });
    expect(other.statusCode).toBe(403);
    expect(other.json().issue[0].details.text).toMatch(/vos propres actions/);
  });

  it('lets an audit reader search everything by patient, type, date and access mode, as valid R4', async () => {
    await get('/fhir/Patient?identifier=255081416802538', { as: 'nurse' });
    await get('/fhir/Patient/lefevre');
    await get('/fhir/Practitioner/$me');
    const today = CLOCK.toISOString().slice(0, 10);
    const res = await get(
      `/fhir/AuditEvent?patient=Patient/lefevre&type=rest&date=ge${today}&access-mode=normal`,
      reader,
    );
    expect(res.statusCode).toBe(200);
    const bundle = res.json();
    expect(() => validateR4(bundle)).not.toThrow();
    const list = events(res);
    // The nurse's search, the physician's read, and this very search by the reader (audited first).
    expect(new Set(list.map((e) => e.agent[0]!.who.identifier!.value))).toEqual(
      new Set(['899700100029', '899700100011', READER]),
    );
    expect(events(await get(`/fhir/AuditEvent?patient=lefevre&date=lt${today}`, reader))).toEqual([]);
    expect(events(await get('/fhir/AuditEvent?subtype=110122', reader)).length).toBe(1);
  });

  it('refuses malformed search parameters with a French OperationOutcome', async () => {
    for (const q of ['date=yesterday', 'date=ge2026-02-30', 'outcome=2', 'access-mode=vip', '_count=0']) {
      const res = await get(`/fhir/AuditEvent?${q}`, reader);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().resourceType).toBe('OperationOutcome');
    }
  });

  it('audits reading the audit log', async () => {
    await get('/fhir/AuditEvent?patient=girard', reader);
    const last = await platform.db
      .selectFrom('audit_event')
      .selectAll()
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({ kind: 'audit-search', agent_idnps: READER, patient_id: 'girard' });
  });

  it('gives a patient’s access history (who, when, mode) to audit readers only', async () => {
    await get('/fhir/Patient?identifier=255081416802538', { as: 'nurse' });
    await get('/fhir/Patient/lefevre');
    expect((await get('/fhir/Patient/lefevre/$access-history', { as: 'physician' })).statusCode).toBe(403);
    const res = await get('/fhir/Patient/lefevre/$access-history', reader);
    expect(res.statusCode).toBe(200);
    const list = events<{ subtype: { code: string }[]; extension: { valueCoding: { code: string } }[] }>(res);
    expect(list.length).toBeGreaterThanOrEqual(2);
    expect(list.every((e) => ['search-type', 'read'].includes(e.subtype[0]!.code))).toBe(true);
    expect(list.every((e) => e.extension[0]!.valueCoding.code === 'normal')).toBe(true);
  });

  it('publishes the checkpoint keys, public parts only, without a token', async () => {
    const res = await platform.app.inject({ method: 'GET', url: '/.well-known/audit-keys' });
    expect(res.statusCode).toBe(200);
    const { keys } = res.json();
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(keys[0]).not.toHaveProperty('d');
  });
});
