import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateR4 } from '../../test/support/fhir.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import type { MintOptions } from '../../test/support/tokens.ts';
import { CDS_CARE_TEAM_PROFILE } from '../fhir/care-team.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await testPlatform();
});
afterAll(() => platform.close());

interface Entry {
  resource: { resourceType: string; id: string; [k: string]: unknown };
  search: { mode: string };
}
interface Participant {
  member: { reference: string; display: string };
  role: { coding: { code: string }[] }[];
  period: { start: string; end?: string };
}

let keys = 0;
const freshKey = () => `test-key-${Date.now()}-${++keys}`;

async function operation(
  name: 'join' | 'leave',
  patient = 'demo-girard',
  { key = freshKey(), as = {} as MintOptions, body = undefined as unknown } = {},
) {
  return platform.app.inject({
    method: 'POST',
    url: `/fhir/Patient/${patient}/$care-team-${name}`,
    headers: {
      ...(await platform.issuer.bearer(as)),
      ...(key ? { 'idempotency-key': key } : {}),
      ...(body ? { 'content-type': 'application/fhir+json' } : {}),
    },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
}

const read = async (patient = 'demo-girard', as: MintOptions = {}) =>
  platform.app.inject({
    method: 'GET',
    url: `/fhir/CareTeam?patient=${patient}`,
    headers: await platform.issuer.bearer(as),
  });

const careTeam = (bundle: { entry: Entry[] }) =>
  bundle.entry.find((e) => e.resource.resourceType === 'CareTeam')!.resource;
const participants = (bundle: { entry: Entry[] }) => (careTeam(bundle).participant ?? []) as Participant[];
const auditCount = async (kind: string) =>
  Number(
    (
      await platform.db
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', kind)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the care circle (CDSCareTeam)', () => {
  it('is an empty CareTeam before anyone joins, valid R4, with the ANS profile and a start', async () => {
    const res = await read('demo-nguyen');
    expect(res.statusCode).toBe(200);
    const bundle = res.json();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const team = careTeam(bundle);
    expect(team).toMatchObject({
      meta: { profile: [CDS_CARE_TEAM_PROFILE] },
      status: 'active',
      subject: { reference: 'Patient/demo-nguyen' },
      identifier: [{ value: 'demo-nguyen' }],
    });
    expect((team.period as { start: string }).start).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(team).not.toHaveProperty('participant');
    validateR4(bundle);
    validateR4(team);
  });

  it('one declaration: the professional joins with their role, and can be reached', async () => {
    const joinsBefore = await auditCount('care-team-join');
    const res = await operation('join');
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-audit-event']).toBeTruthy();
    const bundle = res.json();
    const [me] = participants(bundle);
    expect(me).toMatchObject({
      member: { reference: expect.stringMatching(/^PractitionerRole\//), display: 'Dr Julien MOREAU' },
      role: [{ coding: [{ code: '10', display: 'Médecin' }] }],
    });
    expect(me!.period.end).toBeUndefined();
    const included = (bundle.entry as Entry[]).filter((e) => e.search.mode === 'include').map((e) => e.resource);
    expect(included.map((r) => r.resourceType).sort()).toEqual(['Practitioner', 'PractitionerRole']);
    expect(included.find((r) => r.resourceType === 'Practitioner')).toMatchObject({
      telecom: [{ system: 'email', value: expect.stringContaining('mssante.fr') }],
    });
    for (const entry of bundle.entry as Entry[]) validateR4(entry.resource);
    validateR4(bundle);
    expect(await auditCount('care-team-join')).toBe(joinsBefore + 1);
  });

  it('a second declaration of an active member changes nothing and is not a new change', async () => {
    const joinsBefore = await auditCount('care-team-join');
    const res = await operation('join');
    expect(res.statusCode).toBe(200);
    expect(participants(res.json())).toHaveLength(1);
    expect(await auditCount('care-team-join')).toBe(joinsBefore);
  });

  it('a replayed request (same Idempotency-Key) gets the first answer again, and runs nothing', async () => {
    const key = freshKey();
    const first = await operation('join', 'demo-casanova', { key });
    expect(first.statusCode).toBe(201);
    const joinsBefore = await auditCount('care-team-join');
    const again = await operation('join', 'demo-casanova', { key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await auditCount('care-team-join')).toBe(joinsBefore);
    // The same key for another request is refused.
    const misuse = await operation('leave', 'demo-casanova', { key });
    expect(misuse.statusCode).toBe(422);
    expect(misuse.json().issue[0].details.text).toBe('Cette clé d’idempotence a déjà servi pour une autre demande.');
  });

  it('needs a well-formed Idempotency-Key', async () => {
    for (const key of ['', 'short', 'é'.repeat(20)]) {
      const res = await operation('join', 'demo-girard', { key });
      expect(res.statusCode).toBe(400);
      expect(res.json().issue[0].details.text).toMatch(/clé d’idempotence/);
    }
  });

  it('leaving ends the period; joining again adds a new participation', async () => {
    const left = await operation('leave');
    expect(left.statusCode).toBe(200);
    const [ended] = participants(left.json());
    expect(ended!.period.end).toBeDefined();
    expect(Date.parse(ended!.period.end!)).toBeGreaterThanOrEqual(Date.parse(ended!.period.start));

    const again = await operation('join');
    expect(again.statusCode).toBe(201);
    const periods = participants(again.json()).map((p) => p.period);
    expect(periods).toHaveLength(2);
    expect(periods[0]!.end).toBeDefined();
    expect(periods[1]!.end).toBeUndefined();
    validateR4(careTeam(again.json()));
  });

  it('declares only the token’s professional, whatever the body says', async () => {
    const res = await operation('join', 'demo-dubois', {
      as: { as: 'nurse' },
      body: { resourceType: 'Parameters', parameter: [{ name: 'practitioner', valueString: '899700100011' }] },
    });
    expect(res.statusCode).toBe(201);
    const members = participants(res.json());
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ member: { display: 'Thomas PERRIN' }, role: [{ coding: [{ code: '60' }] }] });
  });

  it('a member leaving does not touch another member', async () => {
    await operation('join', 'demo-bernard');
    await operation('join', 'demo-bernard', { as: { as: 'pharmacist' } });
    const res = await operation('leave', 'demo-bernard', { as: { as: 'pharmacist' } });
    const byCode = Object.fromEntries(participants(res.json()).map((p) => [p.role[0]!.coding[0]!.code, p.period]));
    expect(byCode['10']!.end).toBeUndefined();
    expect(byCode['21']!.end).toBeDefined();
  });

  it('answers 404 for an unknown patient and 400 without one', async () => {
    expect((await operation('join', 'nobody')).statusCode).toBe(404);
    expect((await read('nobody')).statusCode).toBe(404);
    const none = await platform.app.inject({
      method: 'GET',
      url: '/fhir/CareTeam',
      headers: await platform.issuer.bearer(),
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().issue[0].details.text).toBe('Indiquez le patient dont vous voulez voir le cercle de soins.');
  });

  it('needs a signed-in professional', async () => {
    const res = await platform.app.inject({
      method: 'POST',
      url: '/fhir/Patient/demo-girard/$care-team-join',
      headers: { 'idempotency-key': freshKey() },
    });
    expect(res.statusCode).toBe(401);
  });

  it('changes nothing when the change cannot be audited (503), and the same key works once it can', async () => {
    const key = freshKey();
    await sql
      .raw("CREATE TRIGGER audit_full BEFORE INSERT ON audit_event BEGIN SELECT RAISE(ABORT, 'disk full'); END")
      .execute(platform.db);
    const refused = await operation('join', 'demo-lefevre', { key });
    await sql.raw('DROP TRIGGER audit_full').execute(platform.db);
    expect(refused.statusCode).toBe(503);
    const circle = await read('demo-lefevre');
    expect(participants(circle.json())).toHaveLength(0);
    const retried = await operation('join', 'demo-lefevre', { key });
    expect(retried.statusCode).toBe(201);
    expect(participants(retried.json())).toHaveLength(1);
  });

  it('audits every read of a circle', async () => {
    const before = await auditCount('care-team-read');
    await read('demo-girard');
    expect(await auditCount('care-team-read')).toBe(before + 1);
  });
});
