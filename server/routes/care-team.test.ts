import { auditDiskFull } from '../../test/support/database.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { givenPatient } from '../../test/support/builders.ts';
import { validateR4 } from '../../test/support/fhir.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import type { MintOptions } from '../../test/support/tokens.ts';
import { CDS_CARE_TEAM_PROFILE } from '../fhir/care-team.ts';
import { PARTICIPATION_FUNCTION_SYSTEM } from '../../src/core/care-team.ts';
import { DEV_PROFESSIONALS, pscClaimsOf } from '../identity/dev-professionals.ts';

let platform: TestPlatform;
beforeEach(async () => {
  platform = await testPlatform(
    {},
    {
      seed: async (db) => {
        for (const id of ['girard', 'casanova', 'lefevre', 'bernard', 'dubois', 'nguyen'])
          await givenPatient(db, { id });
      },
    },
  );
});
afterEach(() => platform.close());

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
  patient = 'girard',
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

const read = async (patient = 'girard', as: MintOptions = {}) =>
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
    const res = await read('nguyen');
    expect(res.statusCode).toBe(200);
    const bundle = res.json();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const team = careTeam(bundle);
    expect(team).toMatchObject({
      meta: { profile: [CDS_CARE_TEAM_PROFILE] },
      status: 'active',
      subject: { reference: 'Patient/nguyen' },
      identifier: [{ value: 'nguyen' }],
    });
    expect(team.period).toMatchObject({ start: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
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
    expect((await operation('join')).statusCode).toBe(201);
    const joinsBefore = await auditCount('care-team-join');
    const res = await operation('join');
    expect(res.statusCode).toBe(200);
    expect(participants(res.json())).toHaveLength(1);
    expect(await auditCount('care-team-join')).toBe(joinsBefore);
  });

  it('a replayed request (same Idempotency-Key) gets the first answer again, and runs nothing', async () => {
    const key = freshKey();
    const first = await operation('join', 'casanova', { key });
    expect(first.statusCode).toBe(201);
    const joinsBefore = await auditCount('care-team-join');
    const again = await operation('join', 'casanova', { key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await auditCount('care-team-join')).toBe(joinsBefore);
    // The same key for another request is refused.
    const misuse = await operation('leave', 'casanova', { key });
    expect(misuse.statusCode).toBe(422);
    expect(misuse.json().issue[0].details.text).toBe('Cette clé d’idempotence a déjà servi pour une autre demande.');
  });

  it('the same request sent several times at once (same Idempotency-Key) is one change, the others its replays', async () => {
    const key = freshKey();
    const joinsBefore = await auditCount('care-team-join');
    const answers = await Promise.all(Array.from({ length: 4 }, () => operation('join', 'nguyen', { key })));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201]);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(3);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    // One join in the log: an entry tells of a change that happened once.
    expect(await auditCount('care-team-join')).toBe(joinsBefore + 1);
    expect(participants(answers[0]!.json())).toHaveLength(1);
  });

  it('declarations of the same professional at once, each with its key: one participation, every answer and its replay the circle after', async () => {
    const keys = Array.from({ length: 4 }, freshKey);
    const answers = await Promise.all(keys.map((key) => operation('join', 'bernard', { key })));
    const after = (await read('bernard')).json();
    expect(participants(after)).toHaveLength(1);
    for (const [i, answer] of answers.entries()) {
      expect(answer.statusCode).toBeLessThan(300);
      expect(answer.json().entry).toEqual(after.entry);
      // The answer kept for each key is the one it got, not the circle as first read.
      const replay = await operation('join', 'bernard', { key: keys[i] });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toBe(answer.body);
    }
  });

  it('needs a well-formed Idempotency-Key', async () => {
    for (const key of ['', 'short', 'é'.repeat(20)]) {
      const res = await operation('join', 'girard', { key });
      expect(res.statusCode).toBe(400);
      expect(res.json().issue[0].details.text).toMatch(/clé d’idempotence/);
    }
  });

  it('leaving ends the period; joining again adds a new participation', async () => {
    expect((await operation('join')).statusCode).toBe(201);
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

  it('each change answers with the circle as a read finds it just after: join, médecin traitant, leave', async () => {
    const asMt = { resourceType: 'Parameters', parameter: [{ name: 'role', valueCode: 'PCP' }] };
    const steps = [
      () => operation('join', 'lefevre', { as: { as: 'pharmacist' } }),
      () => operation('join', 'lefevre'),
      () => operation('join', 'lefevre', { body: asMt }),
      () => operation('leave', 'lefevre', { as: { as: 'pharmacist' } }),
      () => operation('leave', 'lefevre'),
      () => operation('join', 'lefevre'),
    ];
    for (const step of steps) {
      const res = await step();
      expect(res.statusCode).toBeLessThan(300);
      expect(res.json().entry).toEqual((await read('lefevre')).json().entry);
    }
    expect(participants((await read('lefevre')).json())).toHaveLength(4);
  });

  it('declares only the token’s professional, whatever the body says', async () => {
    // A parameter naming someone else is not part of the operation: refused, nothing declared.
    const forged = await operation('join', 'dubois', {
      as: { as: 'nurse' },
      body: { resourceType: 'Parameters', parameter: [{ name: 'practitioner', valueString: '899700100011' }] },
    });
    expect(forged.statusCode).toBe(400);
    expect(participants((await read('dubois')).json())).toHaveLength(0);
    const res = await operation('join', 'dubois', { as: { as: 'nurse' } });
    expect(res.statusCode).toBe(201);
    const members = participants(res.json());
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ member: { display: 'Thomas PERRIN' }, role: [{ coding: [{ code: '60' }] }] });
  });

  it('a member leaving does not touch another member', async () => {
    await operation('join', 'bernard');
    await operation('join', 'bernard', { as: { as: 'pharmacist' } });
    const res = await operation('leave', 'bernard', { as: { as: 'pharmacist' } });
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
      url: '/fhir/Patient/girard/$care-team-join',
      headers: { 'idempotency-key': freshKey() },
    });
    expect(res.statusCode).toBe(401);
  });

  it('changes nothing when the change cannot be audited (503), and the same key works once it can', async () => {
    const key = freshKey();
    const diskFull = await auditDiskFull(platform.db);
    const refused = await operation('join', 'lefevre', { key });
    await diskFull();
    expect(refused.statusCode).toBe(503);
    const circle = await read('lefevre');
    expect(participants(circle.json())).toHaveLength(0);
    const retried = await operation('join', 'lefevre', { key });
    expect(retried.statusCode).toBe(201);
    expect(participants(retried.json())).toHaveLength(1);
  });

  it('the same request sent several times at once when the change cannot be audited: all refused (503), none half-answered', async () => {
    const key = freshKey();
    const diskFull = await auditDiskFull(platform.db);
    const refused = await Promise.all(Array.from({ length: 4 }, () => operation('join', 'dubois', { key })));
    await diskFull();
    expect(refused.map((r) => r.statusCode)).toEqual([503, 503, 503, 503]);
    const retried = await operation('join', 'dubois', { key });
    expect(retried.statusCode).toBe(201);
    expect(participants(retried.json())).toHaveLength(1);
  });

  describe('the médecin traitant (TRE_R259 PCP)', () => {
    const asMt = { resourceType: 'Parameters', parameter: [{ name: 'role', valueCode: 'PCP' }] };
    // Another physician, for the one-médecin-traitant rule.
    const leroy = {
      claims: pscClaimsOf({
        ...DEV_PROFESSIONALS[0]!,
        rpps: '99700999990',
        familyName: 'LEROY',
        givenName: 'Anne',
        civility: 'MME',
        mssante: 'anne.leroy@cabinet-demo.mssante.fr',
      }),
    };
    const functions = (p: Participant) => p.role.slice(1).map((r) => r.coding[0]!.code);

    it('a member physician becomes médecin traitant: a new participation with the function, the plain one ended', async () => {
      expect((await operation('join', 'nguyen')).statusCode).toBe(201);
      const res = await operation('join', 'nguyen', { body: asMt });
      expect(res.statusCode).toBe(201);
      const [plain, mt] = participants(res.json());
      expect(plain!.period.end).toBeDefined();
      expect(functions(plain!)).toEqual([]);
      expect(mt!.period.end).toBeUndefined();
      expect(mt!.role[1]).toEqual({
        coding: [{ system: PARTICIPATION_FUNCTION_SYSTEM, code: 'PCP', display: 'Médecin traitant' }],
      });
      for (const entry of res.json().entry as Entry[]) validateR4(entry.resource);
      // Declaring it again changes nothing.
      const again = await operation('join', 'nguyen', { body: asMt });
      expect(again.statusCode).toBe(200);
      expect(participants(again.json())).toHaveLength(2);
      // A plain declaration by the médecin traitant changes nothing either.
      expect((await operation('join', 'nguyen')).statusCode).toBe(200);
    });

    it('one médecin traitant per patient: another physician is told who it is (409), and may still join', async () => {
      expect((await operation('join', 'nguyen', { body: asMt })).statusCode).toBe(201);
      const res = await operation('join', 'nguyen', { as: leroy, body: asMt });
      expect(res.statusCode).toBe(409);
      expect(res.json().issue[0].details.text).toMatch(
        /^Dr Julien MOREAU est déclaré médecin traitant de ce patient depuis le \d\d\/\d\d\/\d{4}\.$/,
      );
      const plain = await operation('join', 'nguyen', { as: leroy });
      expect(plain.statusCode).toBe(201);
      // Once the first one leaves, the other may declare it.
      expect((await operation('leave', 'nguyen')).statusCode).toBe(200);
      const mt = await operation('join', 'nguyen', { as: leroy, body: asMt });
      expect(mt.statusCode).toBe(201);
      const open = participants(mt.json()).filter((p) => !p.period.end);
      expect(open.map((p) => [p.member.display, functions(p)])).toEqual([['Dr Anne LEROY', ['PCP']]]);
    });

    it('only a physician may declare it, and only this function exists', async () => {
      const nurse = await operation('join', 'casanova', { as: { as: 'nurse' }, body: asMt });
      expect(nurse.statusCode).toBe(403);
      expect(nurse.json().issue[0].details.text).toBe('Seul un médecin peut se déclarer médecin traitant.');
      const other = await operation('join', 'casanova', {
        body: { resourceType: 'Parameters', parameter: [{ name: 'role', valueCode: 'AID' }] },
      });
      expect(other.statusCode).toBe(400);
      expect(other.json().issue[0].details.text).toBe('Rôle inconnu dans le cercle de soins.');
    });

    it('the declaration is audited with its function', async () => {
      const res = await operation('join', 'lefevre', { as: leroy, body: asMt });
      expect(res.statusCode).toBe(201);
      const entry = await platform.db
        .selectFrom('audit_event')
        .select('resource')
        .where('id', '=', String(res.headers['x-audit-event']))
        .executeTakeFirstOrThrow();
      expect(entry.resource).toContain('"PCP"');
    });
  });

  it('each member comes with their organisation', async () => {
    expect((await operation('join', 'bernard')).statusCode).toBe(201);
    const res = await operation('join', 'bernard', { as: { as: 'pharmacist' } });
    const roles = res
      .json<{ entry: Entry[] }>()
      .entry.map((e) => e.resource)
      .filter((r) => r.resourceType === 'PractitionerRole');
    expect(roles.map((r) => r.organization).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      [
        expect.objectContaining({ display: 'CENTRE HOSPITALIER DE DEMONSTRATION' }),
        expect.objectContaining({ display: 'PHARMACIE DE DEMONSTRATION' }),
      ],
    );
  });

  it('audits every read of a circle', async () => {
    const before = await auditCount('care-team-read');
    await read('girard');
    expect(await auditCount('care-team-read')).toBe(before + 1);
  });
});
