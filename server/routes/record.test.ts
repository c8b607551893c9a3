import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { givenPatient, givenRecord, type DocumentSpec } from '../../test/support/builders.ts';
import { validateR4 } from '../../test/support/fhir.ts';
import { testMailbox } from '../../test/support/mail.ts';
import { callAs, outcomeText } from '../../test/support/http.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import type { MintOptions } from '../../test/support/tokens.ts';
import { configFromEnv } from '../config.ts';
import { DEV_PROFESSIONALS, pscClaimsOf } from '../identity/dev-professionals.ts';

const OFFICER = '3999700000025';
const officer: MintOptions = {
  claims: pscClaimsOf({
    ...DEV_PROFESSIONALS.at(-1)!,
    idNps: OFFICER,
    familyName: 'DUMAS',
    givenName: 'Sophie',
    job: 'Déléguée à la protection des données',
  }),
};

/** The demo's regulation physician (SAMU, centre 15), and the FINESS the platform lists. */
const REGULATOR = DEV_PROFESSIONALS.find((p) => p.accountId.endsWith(':regulator'))!;
const regulator: MintOptions = { claims: pscClaimsOf(REGULATOR) };

let platform: TestPlatform;
const START = new Date('2026-11-23T10:00:00Z');
let clock = START;
const defaults = configFromEnv({});

/** A record of five kinds of documents, the latest of each shown first, and one the patient masked. */
const documentsOf = (patient: string): DocumentSpec[] => [
  { id: `${patient}-doc-1`, type: 'summary', title: 'Volet de synthèse médicale', date: '2026-09-02T08:00:00Z' },
  { id: `${patient}-doc-2`, type: 'consultation', title: 'Consultation de cardiologie', date: '2026-10-14T09:30:00Z' },
  {
    id: `${patient}-doc-3`,
    type: 'lab',
    title: 'Bilan biologique',
    text: 'Créatinine 78 µmol/L',
    date: '2026-11-05T07:15:00Z',
  },
  { id: `${patient}-doc-4`, type: 'discharge', title: 'Compte rendu d’hospitalisation', date: '2026-06-20T16:00:00Z' },
  { id: `${patient}-doc-5`, type: 'prescription', title: 'Ordonnance', date: '2026-11-06T10:00:00Z' },
  { id: `${patient}-doc-6`, type: 'consultation', title: 'Consultation de psychiatrie', masked: true },
];

/** Who the tests meet: LEFÈVRE and BERNARD have a full record; CASANOVA opposed break-glass; GIRARD withdrew her circle's access. */
async function givenPatients(db: TestPlatform['db']): Promise<void> {
  const people = [
    { id: 'lefevre', birthName: 'LEFÈVRE', givenNames: 'MARIE CLAIRE', usedName: 'MARTIN' },
    { id: 'bernard', birthName: 'BERNARD', givenNames: 'LUCAS PIERRE', sex: 'male' as const },
    { id: 'casanova', birthName: 'CASANOVA', givenNames: 'PAUL ANGE', sex: 'male' as const },
    { id: 'girard', birthName: 'GIRARD', givenNames: 'CAMILLE ANNE' },
    { id: 'nguyen', birthName: 'NGUYEN', givenNames: 'THOMAS', sex: 'male' as const },
    { id: 'dubois', birthName: 'DUBOIS', givenNames: 'LÉA' },
  ];
  for (const person of people) {
    await givenPatient(db, person);
    await givenRecord(db, person.id, { documents: documentsOf(person.id), alerts: ['Allergie à la pénicilline'] });
  }
  await givenRecord(db, 'casanova', { consent: { circleAccess: true, breakGlassOpposed: true } });
  await givenRecord(db, 'girard', { consent: { circleAccess: false, breakGlassOpposed: false } });
}

beforeEach(async () => {
  clock = START;
  platform = await testPlatform(
    { audit: { ...defaults.audit, readers: [OFFICER] }, regulationFiness: [REGULATOR.finess] },
    { now: () => clock, demo: true, seed: givenPatients },
  );
});
afterEach(() => platform.close());

const call = (method: 'GET' | 'POST', url: string, as: MintOptions = {}, body?: unknown) =>
  callAs(platform, method, url, as, body);
const text = outcomeText;
const join = async (patient: string, as: MintOptions = {}) =>
  platform.app.inject({
    method: 'POST',
    url: `/fhir/Patient/${patient}/$care-team-join`,
    headers: { ...(await platform.issuer.bearer(as)), 'idempotency-key': `record-test-${patient}-${Math.random()}` },
  });
const breakGlass = (patient: string, as: MintOptions = {}, params: Record<string, string> = {}) =>
  call('POST', `/fhir/Patient/${patient}/$break-glass`, as, {
    resourceType: 'Parameters',
    parameter: Object.entries({
      mode: 'bris_de_glace',
      reason: 'patient-hors-etat',
      text: 'Patient inconscient aux urgences, traitement en cours inconnu',
      ...params,
    }).map(([name, value]) => (name === 'text' ? { name, valueString: value } : { name, valueCode: value })),
  });
const kinds = async (kind: string) =>
  await platform.db.selectFrom('audit_event').select(['kind', 'mode', 'resource']).where('kind', '=', kind).execute();
const resources = <R = { resourceType: string; id: string }>(res: { json<T>(): T }) =>
  (res.json<{ entry?: { resource: R }[] }>().entry ?? []).map((e) => e.resource);

describe('normal access (consent and care circle)', () => {
  it('refuses a professional outside the care circle, saying break-glass is possible', async () => {
    const res = await call('GET', '/fhir/Patient/lefevre/$summary');
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-break-glass']).toBe('possible');
    expect(text(res)).toMatch(/^Vous ne faites pas partie de l’équipe de soins/);
    expect(res.body).not.toContain('Allergie');
  });

  it('gives a member the essential first: alerts, the latest document of each kind, the circle — masked ones never', async () => {
    await join('lefevre');
    const res = await call('GET', '/fhir/Patient/lefevre/$summary');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-access-mode']).toBe('normal');
    const all = resources(res);
    for (const r of all) validateR4(r);
    expect(all.filter((r) => r.resourceType === 'Flag')).toHaveLength(1);
    const docs = all.filter((r) => r.resourceType === 'DocumentReference').map((r) => r.id);
    expect(docs).toHaveLength(5);
    expect(docs).not.toContain('lefevre-doc-6');
    expect(all.some((r) => r.resourceType === 'CareTeam')).toBe(true);
    expect((await kinds('record-read')).at(-1)).toMatchObject({ mode: 'normal' });
  });

  it('lists documents by kind, opens one (audited), and never a masked one', async () => {
    await join('lefevre');
    const list = await call('GET', '/fhir/Patient/lefevre/$documents');
    expect(resources(list).map((r) => r.id)).not.toContain('lefevre-doc-6');
    const consults = await call('GET', '/fhir/Patient/lefevre/$documents?type=11488-4');
    expect(resources(consults).map((r) => r.id)).toEqual(['lefevre-doc-2']);
    const before = (await kinds('document-read')).length;
    const doc = await call('GET', '/fhir/Binary/lefevre-doc-3');
    expect(doc.statusCode).toBe(200);
    validateR4(doc.json());
    expect(Buffer.from(doc.json().data, 'base64').toString('utf8')).toContain('Créatinine');
    expect((await kinds('document-read')).length).toBe(before + 1);
    const masked = await call('GET', '/fhir/Binary/lefevre-doc-6');
    expect(masked.statusCode).toBe(404);
    expect(text(masked)).toBe(text(await call('GET', '/fhir/Binary/nothing')));
  });

  it('returns no record data when the read cannot be audited', async () => {
    await join('lefevre');
    await sql
      .raw("CREATE TRIGGER audit_full BEFORE INSERT ON audit_event BEGIN SELECT RAISE(ABORT, 'disk full'); END")
      .execute(platform.db);
    const summary = await call('GET', '/fhir/Patient/lefevre/$summary');
    const doc = await call('GET', '/fhir/Binary/lefevre-doc-3');
    await sql.raw('DROP TRIGGER audit_full').execute(platform.db);
    for (const res of [summary, doc]) {
      expect(res.statusCode).toBe(503);
      expect(res.body).not.toContain('Allergie');
      expect(res.body).not.toContain('Créatinine');
      expect(res.json().resourceType).toBe('OperationOutcome');
    }
  });

  it('honours a withdrawn consent: a member is refused too', async () => {
    await join('girard');
    const res = await call('GET', '/fhir/Patient/girard/$summary');
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-break-glass']).toBe('possible');
  });
});

describe('the patient’s consent (FHIR Consent)', () => {
  it('is a valid R4 Consent: permit for the circle, and a deny provision on BTG when opposed', async () => {
    const permit = await call('GET', '/fhir/Consent?patient=lefevre');
    const [consent] = resources<{ provision: { type: string; provision?: unknown[] } }>(permit);
    validateR4(consent);
    expect(consent!.provision.type).toBe('permit');
    expect(consent!.provision.provision).toBeUndefined();
    const [opposed] = resources<{ provision: { provision: { type: string; purpose: { code: string }[] }[] } }>(
      await call('GET', '/fhir/Consent?patient=casanova'),
    );
    validateR4(opposed);
    expect(opposed!.provision.provision[0]).toMatchObject({ type: 'deny', purpose: [{ code: 'BTG' }] });
    const [denied] = resources<{ provision: { type: string } }>(await call('GET', '/fhir/Consent?patient=girard'));
    expect(denied!.provision.type).toBe('deny');
  });
});

describe('break-glass', () => {
  it('is for physicians only: nurse, pharmacist and midwife are refused by the platform', async () => {
    for (const as of ['nurse', 'pharmacist', 'midwife'] as const) {
      const res = await breakGlass('bernard', { as });
      expect(res.statusCode).toBe(403);
      expect(text(res)).toBe('L’accès en bris de glace est réservé aux médecins.');
      const summary = await call('GET', '/fhir/Patient/bernard/$summary', { as });
      expect(summary.headers['x-break-glass']).toBe('not-physician');
    }
    expect(await platform.db.selectFrom('break_glass').selectAll().execute()).toHaveLength(0);
  });

  it('honours the patient’s opposition', async () => {
    const summary = await call('GET', '/fhir/Patient/casanova/$summary');
    expect(summary.headers['x-break-glass']).toBe('opposed');
    const res = await breakGlass('casanova');
    expect(res.statusCode).toBe(403);
    expect(text(res)).toBe('Le patient s’est opposé à l’accès en bris de glace à son dossier.');
  });

  it('needs a coded reason and a description', async () => {
    expect((await breakGlass('bernard', {}, { reason: 'curiosite' })).statusCode).toBe(400);
    const short = await breakGlass('bernard', {}, { text: 'urgent' });
    expect(short.statusCode).toBe(400);
    expect(text(short)).toBe('Décrivez la situation d’urgence (10 à 500 caractères).');
  });

  it('writes nothing and shows nothing when its audit entry cannot be written', async () => {
    await sql
      .raw("CREATE TRIGGER audit_full BEFORE INSERT ON audit_event BEGIN SELECT RAISE(ABORT, 'disk full'); END")
      .execute(platform.db);
    const res = await breakGlass('bernard');
    await sql.raw('DROP TRIGGER audit_full').execute(platform.db);
    expect(res.statusCode).toBe(503);
    expect(await platform.db.selectFrom('break_glass').selectAll().execute()).toHaveLength(0);
    expect(await platform.db.selectFrom('patient_notification').selectAll().execute()).toHaveLength(0);
    expect((await call('GET', '/fhir/Patient/bernard/$summary')).statusCode).toBe(403);
  });

  it('opens a time-boxed session: audited first, the patient notified, masked documents still masked', async () => {
    const res = await breakGlass('bernard');
    expect(res.statusCode).toBe(201);
    const expires = res.json().parameter.find((p: { name: string }) => p.name === 'expires').valueInstant;
    expect(Date.parse(expires) - clock.getTime()).toBe(15 * 60_000);
    const [start] = await kinds('break-glass-start');
    expect(start).toMatchObject({ mode: 'bris_de_glace' });
    expect(JSON.parse(start!.resource)).toMatchObject({
      subtype: [{ code: '110127' }],
      purposeOfEvent: [
        { coding: [{ code: 'ETREAT' }, { code: 'BTG' }], text: expect.stringContaining('Patient inconscient') },
      ],
    });
    const [notice] = await platform.db.selectFrom('patient_notification').selectAll().execute();
    expect(notice!.text).toMatch(/Dr Julien MOREAU a ouvert votre dossier en accès d’urgence/);

    const summary = await call('GET', '/fhir/Patient/bernard/$summary');
    expect(summary.statusCode).toBe(200);
    expect(summary.headers['x-access-mode']).toBe('bris_de_glace');
    expect(summary.headers['x-break-glass-expires']).toBe(expires);
    expect(resources(await call('GET', '/fhir/Patient/bernard/$documents')).map((r) => r.id)).not.toContain(
      'bernard-doc-6',
    );
    expect((await call('GET', '/fhir/Binary/bernard-doc-6')).statusCode).toBe(404);
    expect((await call('GET', '/fhir/Binary/bernard-doc-1')).statusCode).toBe(200);
    expect(await platform.db.selectFrom('break_glass_read').select('document_id').execute()).toEqual([
      { document_id: 'bernard-doc-1' },
    ]);
    // Scoped to that professional: another physician is still refused.
    const other = await call('GET', '/fhir/Patient/bernard/$summary', {
      claims: pscClaimsOf({ ...DEV_PROFESSIONALS[0]!, rpps: '99700999990', familyName: 'LEROY' }),
    });
    expect(other.statusCode).toBe(403);
  });

  it('ends when its time is up, with a break-glass-end entry', async () => {
    expect((await breakGlass('bernard')).statusCode).toBe(201);
    clock = new Date(clock.getTime() + 16 * 60_000);
    expect((await call('GET', '/fhir/Patient/bernard/$summary')).statusCode).toBe(403);
    expect(await platform.deps.glass.sweep()).toBe(1);
    const [end] = await kinds('break-glass-end');
    expect(JSON.parse(end!.resource).entity[0].detail).toContainEqual({ type: 'end', valueString: 'expired' });
    expect(await platform.deps.glass.sweep()).toBe(0);
  });

  it('keeps the centre 15 mode to the physicians of a regulation structure (by FINESS)', async () => {
    const res = await breakGlass('dubois', {}, { mode: 'centre_15', reason: 'regulation-15' });
    expect(res.statusCode).toBe(403);
    expect(text(res)).toBe(
      'Le mode « centre 15 » est réservé aux médecins régulateurs d’une structure de régulation (SAMU).',
    );
    expect(await platform.db.selectFrom('break_glass').selectAll().execute()).toHaveLength(0);
    // Same name of structure, another FINESS: still refused (the name decides nothing).
    const lookalike = await breakGlass(
      'dubois',
      { claims: pscClaimsOf({ ...REGULATOR, finess: '990000062' }) },
      { mode: 'centre_15', reason: 'regulation-15' },
    );
    expect(lookalike.statusCode).toBe(403);
  });

  it('can be ended early; the centre 15 mode leaves the same trace', async () => {
    const res = await breakGlass('dubois', regulator, { mode: 'centre_15', reason: 'regulation-15' });
    expect(res.statusCode).toBe(201);
    expect((await call('GET', '/fhir/Patient/dubois/$summary', regulator)).headers['x-access-mode']).toBe('centre_15');
    const ended = await call('POST', '/fhir/Patient/dubois/$break-glass-end', regulator, {});
    expect(ended.json().parameter[0]).toEqual({ name: 'ended', valueBoolean: true });
    expect((await call('GET', '/fhir/Patient/dubois/$summary', regulator)).statusCode).toBe(403);
    const ends = await kinds('break-glass-end');
    expect(ends.at(-1)).toMatchObject({ mode: 'centre_15' });
  });
});

describe('the patient told by MSSanté', () => {
  it('writes the message in the break-glass transaction; the worker delivers it by SMTP to INS@patient.mssante.fr', async () => {
    const mailbox = await testMailbox();
    try {
      const lefevre = (await platform.db
        .selectFrom('patient')
        .select('ins')
        .where('id', '=', 'lefevre')
        .executeTakeFirst())!;
      const res = await breakGlass(
        'lefevre',
        {},
        { reason: 'urgence-vitale', text: 'Arrêt cardio-respiratoire au domicile' },
      );
      expect(res.statusCode).toBe(201);
      const [queued] = await platform.db.selectFrom('mail_outbox').selectAll().execute();
      expect(queued).toMatchObject({
        kind: 'break-glass-notice',
        state: 'pending',
        recipient: `${lefevre.ins}@patient.mssante.fr`,
      });
      expect(await mailbox.deliver(platform)).toBe(1);
      const [eml] = mailbox.messages();
      expect(eml).toContain(`To: <${lefevre.ins}@patient.mssante.fr>`);
      expect(eml).toContain('Motif : Urgence vitale — Arrêt cardio-respiratoire au domicile');
      expect(eml).toContain(`Message-ID: ${queued!.message_id}`);
      // Taken by the gateway: never sent again.
      expect(await mailbox.deliver(platform)).toBe(0);
      expect(mailbox.messages()).toHaveLength(1);
    } finally {
      await mailbox.close();
    }
  });
});

describe('review by the privacy officer', () => {
  it('lists every session with actor, patient, reason, duration and documents; marks one reviewed (audited); exports CSV', async () => {
    expect((await breakGlass('bernard')).statusCode).toBe(201);
    expect((await call('GET', '/fhir/Binary/bernard-doc-1')).statusCode).toBe(200);
    clock = new Date(START.getTime() + 16 * 60_000);
    expect(await platform.deps.glass.sweep()).toBe(1);
    expect((await call('GET', '/review/break-glass')).statusCode).toBe(403);
    const list = await call('GET', '/review/break-glass', officer);
    expect(list.statusCode).toBe(200);
    const sessions = list.json<{ id: string; patient: { id: string }; minutes: number; documents: unknown[] }[]>();
    const bernard = sessions.find((s) => s.patient.id === 'bernard')!;
    expect(bernard).toMatchObject({
      actor: { name: 'Dr Julien MOREAU' },
      mode: 'bris_de_glace',
      reason: { code: 'patient-hors-etat', label: 'Patient hors d’état d’exprimer sa volonté' },
      minutes: 15,
      documents: [{ title: 'Volet de synthèse médicale' }],
      reviews: [],
      problems: [],
    });
    const marked = await call('POST', `/review/break-glass/${bernard.id}`, officer, {
      comment: 'Justifié : patient inconscient.',
    });
    expect(marked.statusCode).toBe(200);
    expect(await kinds('break-glass-review')).toHaveLength(1);
    const pending = await call('GET', '/review/break-glass?reviewed=false', officer);
    expect(pending.json().map((s: { id: string }) => s.id)).not.toContain(bernard.id);
    const csv = await call('GET', '/review/break-glass.csv', officer);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^"debut";"fin";"minutes";"mode";"professionnel"/);
    expect(lines).toHaveLength(sessions.length + 1);
    expect(csv.body).toContain(': Justifié : patient inconscient."');
  });
});

describe('the patient’s page', () => {
  const login = async (patient: string) => {
    const res = await platform.app.inject({
      method: 'POST',
      url: '/patient/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `patient=${patient}`,
    });
    expect(res.statusCode).toBe(303);
    return String(res.headers['set-cookie']).split(';')[0]!;
  };
  const post = (cookie: string, url: string, payload: string, origin?: string) =>
    platform.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
      payload,
    });

  it('shows the break-glass notification and the access history with mode and reason', async () => {
    expect((await breakGlass('bernard')).statusCode).toBe(201);
    expect((await call('GET', '/fhir/Patient/bernard/$summary')).statusCode).toBe(200);
    const cookie = await login('bernard');
    expect(cookie).toMatch(/^passerelle_patient=/);
    const page = await platform.app.inject({ method: 'GET', url: '/patient', headers: { cookie } });
    expect(page.body).toContain('a ouvert votre dossier en accès d’urgence');
    expect(page.body).toMatch(
      /data-access="bris_de_glace"[^]*Dr Julien MOREAU[^]*bris de glace[^]*Patient inconscient/,
    );
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('lets the patient withdraw consent, oppose break-glass and mask a document — the platform then enforces it', async () => {
    await join('lefevre');
    const cookie = await login('lefevre');
    expect((await call('GET', '/fhir/Binary/lefevre-doc-5')).statusCode).toBe(200);
    await post(cookie, '/patient/documents/lefevre-doc-5', 'masked=1');
    expect((await call('GET', '/fhir/Binary/lefevre-doc-5')).statusCode).toBe(404);
    await post(cookie, '/patient/consent', 'opposed=1');
    await post(cookie, '/patient/consent', 'circle=0');
    const refused = await call('GET', '/fhir/Patient/lefevre/$summary');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['x-break-glass']).toBe('opposed');
    const page = await platform.app.inject({ method: 'GET', url: '/patient', headers: { cookie } });
    expect(page.body).toContain('data-consent="deny"');
    expect(page.body).toContain('data-opposition="opposed"');
    // Each choice is audited, the patient as the agent.
    const changes = await platform.db
      .selectFrom('audit_event')
      .select(['kind', 'agent_idnps', 'resource'])
      .where('kind', 'in', ['consent-change', 'document-mask'])
      .where('patient_id', '=', 'lefevre')
      .execute();
    expect(changes.map((c) => c.kind)).toEqual(['document-mask', 'consent-change', 'consent-change']);
    expect(changes.every((c) => c.agent_idnps === 'Patient/lefevre')).toBe(true);
    const event = JSON.parse(changes[0]!.resource);
    validateR4(event);
    expect(event.agent[0]).toMatchObject({
      who: { reference: 'Patient/lefevre', display: 'MARIE CLAIRE LEFÈVRE' },
    });
  });

  it('takes no change without a session, nor from another site', async () => {
    expect((await post('passerelle_patient=x', '/patient/consent', 'circle=0')).headers.location).toBe('/patient');
    const cookie = await login('nguyen');
    const forged = await post(cookie, '/patient/consent', 'opposed=1', 'https://evil.example');
    expect(forged.statusCode).toBe(403);
    const page = await platform.app.inject({ method: 'GET', url: '/patient', headers: { cookie } });
    expect(page.body).toContain('data-opposition="allowed"');
  });
});
