import { auditDiskFull } from '../../test/support/database.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateR4 } from '../../test/support/fhir.ts';
import { testMailbox } from '../../test/support/mail.ts';
import { outcomeText } from '../../test/support/http.ts';
import { givenPatients, recordCalls } from '../../test/support/record-fixtures.ts';
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

beforeEach(async () => {
  clock = START;
  platform = await testPlatform(
    { audit: { ...defaults.audit, readers: [OFFICER] }, regulationFiness: [REGULATOR.finess] },
    { now: () => clock, seed: givenPatients },
  );
  calls = recordCalls(platform);
});
afterEach(() => platform.close());

let calls: ReturnType<typeof recordCalls>;
const call = (...args: Parameters<typeof calls.call>) => calls.call(...args);
const join = (...args: Parameters<typeof calls.join>) => calls.join(...args);
const breakGlass = (...args: Parameters<typeof calls.breakGlass>) => calls.breakGlass(...args);
const kinds = (kind: string) => calls.kinds(kind);
const text = outcomeText;
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
    // The circle as members' names and roles: their roles and addresses are the circle's own read.
    expect(all.filter((r) => r.resourceType.startsWith('Practitioner'))).toEqual([]);
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
    const diskFull = await auditDiskFull(platform.db);
    const summary = await call('GET', '/fhir/Patient/lefevre/$summary');
    const doc = await call('GET', '/fhir/Binary/lefevre-doc-3');
    await diskFull();
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
    // The summary is read with the decision: a refusal carries none of it.
    expect(res.body).not.toContain('Allergie');
  });
});

describe('a document as its page shows it ($document)', () => {
  const open = (patient: string, document: string) =>
    call('GET', `/fhir/Patient/${patient}/$document?document=${document}`);

  it('gives the patient (the page’s identity banner) and the document with its text inline, audited once', async () => {
    await join('lefevre');
    const before = (await kinds('document-read')).length;
    const res = await open('lefevre', 'lefevre-doc-3');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-access-mode']).toBe('normal');
    validateR4(res.json());
    const [patient, doc] = resources<Record<string, unknown>>(res);
    expect(patient).toMatchObject({
      resourceType: 'Patient',
      id: 'lefevre',
      name: expect.arrayContaining([expect.objectContaining({ family: 'LEFÈVRE', given: ['MARIE CLAIRE'] })]),
    });
    expect(doc).toMatchObject({ resourceType: 'DocumentReference', id: 'lefevre-doc-3' });
    const { attachment } = (doc as { content: { attachment: { data: string; url: string } }[] }).content[0]!;
    expect(Buffer.from(attachment.data, 'base64').toString('utf8')).toContain('Créatinine');
    expect(attachment.url).toBe('Binary/lefevre-doc-3');
    expect((await kinds('document-read')).length).toBe(before + 1);
  });

  it('answers 404 alike, auditing nothing, for another patient’s document, a masked one or an unknown one', async () => {
    await join('lefevre');
    await join('bernard');
    const before = (await kinds('document-read')).length;
    const unknown = await open('lefevre', 'nothing');
    for (const res of [await open('lefevre', 'bernard-doc-1'), await open('lefevre', 'lefevre-doc-6'), unknown]) {
      expect(res.statusCode).toBe(404);
      expect(text(res)).toBe(text(unknown));
      expect(res.body).not.toMatch(/BERNARD|psychiatrie/);
    }
    expect((await kinds('document-read')).length).toBe(before);
  });

  it('is refused outside the care circle as the record is, break-glass possible', async () => {
    const res = await open('lefevre', 'lefevre-doc-3');
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-break-glass']).toBe('possible');
    expect(res.body).not.toMatch(/Créatinine|LEFÈVRE/);
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
    const diskFull = await auditDiskFull(platform.db);
    const res = await breakGlass('bernard');
    await diskFull();
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

  it('goes on with the open session when asked again; once its time is up, ends it (its entry) and opens another', async () => {
    const session = (res: { json<T>(): T }) =>
      res.json<{ parameter: { name: string; valueString?: string }[] }>().parameter.find((p) => p.name === 'session')!
        .valueString;
    const first = session(await breakGlass('bernard'));
    expect(session(await breakGlass('bernard'))).toBe(first);
    expect(await kinds('break-glass-start')).toHaveLength(1);
    clock = new Date(clock.getTime() + 16 * 60_000);
    // Not swept yet: the new start ends it first, as the sweep would have.
    const second = session(await breakGlass('bernard'));
    expect(second).not.toBe(first);
    const [end] = await kinds('break-glass-end');
    expect(JSON.parse(end!.resource).entity[0].detail).toContainEqual({ type: 'session', valueString: first });
    const sessions = await platform.db
      .selectFrom('break_glass')
      .select(['id', 'ended_at'])
      .orderBy('started_at')
      .execute();
    expect(sessions).toEqual([
      { id: first, ended_at: expect.any(String) },
      { id: second, ended_at: null },
    ]);
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
