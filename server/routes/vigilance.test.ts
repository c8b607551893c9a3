import { auditDiskFull } from '../../test/support/database.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenPatient } from '../../test/support/builders.ts';
import { validateR4 } from '../../test/support/fhir.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { verifyAudit } from '../audit/verify.ts';

let platform: TestPlatform;
let auth: { authorization: string };
beforeAll(async () => {
  platform = await testPlatform({}, { seed: async (db) => void (await givenPatient(db, { id: 'lefevre' })) });
  auth = await platform.issuer.bearer();
});
afterAll(() => platform.close());

const parameters = (...traits: unknown[]) => ({
  resourceType: 'Parameters',
  parameter: traits.map((valueCode) => ({ name: 'trait', valueCode })),
});

const confirm = (id: string, body: unknown, headers: Record<string, string> = auth) =>
  platform.app.inject({
    method: 'POST',
    url: `/fhir/Patient/${id}/$confirm-identity`,
    headers: { ...headers, 'content-type': 'application/fhir+json' },
    payload: JSON.stringify(body),
  });

describe('POST /fhir/Patient/{id}/$confirm-identity', () => {
  it('records the confirmation, naming the differing traits, before answering', async () => {
    const res = await confirm('lefevre', parameters('birthName', 'birthDate', 'birthName'));
    expect(res.statusCode).toBe(200);
    const outcome = res.json();
    expect(outcome).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'information', code: 'informational', details: { text: expect.stringContaining('consignée') } },
      ],
    });
    validateR4(outcome);

    const id = res.headers['x-audit-event'] as string;
    const row = await platform.db.selectFrom('audit_event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      kind: 'identity-confirmation',
      patient_id: 'lefevre',
      agent_idnps: '899700100011',
    });
    const event = JSON.parse(row.resource);
    expect(event.subtype).toEqual([
      { system: 'http://hl7.org/fhir/restful-interaction', code: 'operation', display: 'operation' },
    ]);
    expect(event.entity[0]).toMatchObject({
      what: { reference: 'Patient/lefevre' },
      detail: [{ type: 'traits-discordants', valueString: 'birthName,birthDate' }],
    });
    validateR4(event);
  });

  it.each([
    ['no trait', parameters()],
    ['an unknown trait', parameters('birthName', 'eyeColour')],
    ['not a Parameters resource', { resourceType: 'Patient', parameter: [{ name: 'trait', valueCode: 'sex' }] }],
    ['another parameter name', { resourceType: 'Parameters', parameter: [{ name: 'x', valueCode: 'sex' }] }],
    ['no body at all', null],
  ])('refuses %s with a French OperationOutcome, and records nothing', async (_what, body) => {
    const before = await countEntries();
    const res = await confirm('lefevre', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().issue[0].details.text).toMatch(/^(Confirmation invalide|Requête invalide|Paramètre inconnu)/);
    expect(await countEntries()).toBe(before);
  });

  it('records a confirmation for traits the page does not show, naming them as not verifiable', async () => {
    const res = await confirm('lefevre', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'unverified', valueCode: 'birthDate' },
        { name: 'unverified', valueCode: 'birthName' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const last = await platform.db
      .selectFrom('audit_event')
      .select('resource')
      .where('kind', '=', 'identity-confirmation')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.resource).toContain('"type":"traits-non-verifiables","valueString":"birthDate,birthName"');
  });

  it('answers 404 for an unknown patient', async () => {
    const res = await confirm('nobody', parameters('sex'));
    expect(res.statusCode).toBe(404);
    expect(res.json().issue[0].details.text).toBe('Patient inconnu.');
  });

  it('needs a signed-in professional', async () => {
    expect((await confirm('lefevre', parameters('sex'), {})).statusCode).toBe(401);
  });

  it('refuses (503) when the confirmation cannot be written to the audit log', async () => {
    const diskFull = await auditDiskFull(platform.db);
    const res = await confirm('lefevre', parameters('sex'));
    await diskFull();
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('consignée');
    expect(await verifyAudit(platform.db)).toMatchObject({ ok: true });
  });
});

async function countEntries(): Promise<number> {
  const { n } = await platform.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}
